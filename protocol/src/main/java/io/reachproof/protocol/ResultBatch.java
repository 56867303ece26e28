package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** Results one agent delivers in one request: probe results and self-check statuses, oldest first. */
public record ResultBatch(String agentId, List<ProbeResult> results, List<SelfCheckStatus> selfChecks) {

    public ResultBatch {
        requireNonNull(agentId, "agentId");
        results = results == null ? List.of() : List.copyOf(results);
        selfChecks = selfChecks == null ? List.of() : List.copyOf(selfChecks);
    }

    public boolean isEmpty() {
        return results.isEmpty() && selfChecks.isEmpty();
    }
}
