package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An agent's check of its own responders for one round. A probe that fails at a target whose
 * responder failed (or did not report) proves nothing.
 *
 * @param failed the responders that did not answer their own check; empty when all passed
 */
public record SelfCheckStatus(String agentId, String roundId, List<Responder> failed, String detail, long atEpochMillis) {

    public SelfCheckStatus {
        requireNonNull(agentId, "agentId");
        requireNonNull(roundId, "roundId");
        failed = failed == null ? List.of() : List.copyOf(failed);
        detail = detail == null ? "" : detail;
    }

    public boolean passed(Responder responder) {
        return !failed.contains(responder);
    }
}
