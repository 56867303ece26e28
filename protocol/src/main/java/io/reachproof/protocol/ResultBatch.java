package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Results one agent delivers in one request: probe results, self-check statuses and (workload mode) the
 * readiness of the destination pods it prepared, oldest first.
 */
public record ResultBatch(
        String agentId, List<ProbeResult> results, List<SelfCheckStatus> selfChecks, List<TargetReadiness> targets) {

    public ResultBatch {
        requireNonNull(agentId, "agentId");
        results = results == null ? List.of() : List.copyOf(results);
        selfChecks = selfChecks == null ? List.of() : List.copyOf(selfChecks);
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    /** A batch without target readiness (agent mode). */
    public ResultBatch(String agentId, List<ProbeResult> results, List<SelfCheckStatus> selfChecks) {
        this(agentId, results, selfChecks, List.of());
    }

    public boolean isEmpty() {
        return results.isEmpty() && selfChecks.isEmpty() && targets.isEmpty();
    }
}
