package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

/**
 * A node agent's answer to a {@link PodListener}: whether the pod's port answers its own check from
 * inside the pod's network namespace, and who answers it. Probes of a target whose readiness is
 * {@link TargetAnswer#NONE} (or missing) are inconclusive, never a deny.
 */
public record TargetReadiness(
        String agentId, String roundId, PodRef pod, Responder port, TargetAnswer answer, String detail,
        long atEpochMillis) {

    public TargetReadiness {
        requireNonNull(agentId, "agentId");
        requireNonNull(roundId, "roundId");
        requireNonNull(pod, "pod");
        requireNonNull(port, "port");
        requireNonNull(answer, "answer");
        detail = detail == null ? "" : detail;
    }
}
