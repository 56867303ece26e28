package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

/**
 * What one probe saw.
 *
 * @param resultId globally unique; the coordinator deduplicates by it
 * @param taskId the task this answers (null for ad-hoc probes)
 * @param agentId the agent that sent the probe
 * @param roundId the round of the plan the task came from (null for ad-hoc probes)
 * @param outcome the outcome of the last attempt, or CONNECTED if any attempt connected
 * @param latencyMicros time from the first attempt to the outcome
 * @param attempts attempts used
 * @param peerId identity that answered, if any
 * @param detail a short human-readable explanation (e.g. the ICMP code, the HTTP status)
 * @param atEpochMillis when the outcome was seen
 */
public record ProbeResult(
        String resultId,
        String taskId,
        String agentId,
        String roundId,
        Outcome outcome,
        long latencyMicros,
        int attempts,
        String peerId,
        String detail,
        long atEpochMillis) {

    public ProbeResult {
        requireNonNull(resultId, "resultId");
        requireNonNull(outcome, "outcome");
        if (latencyMicros < 0) {
            throw new IllegalArgumentException("latencyMicros must not be negative: " + latencyMicros);
        }
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative: " + attempts);
        }
        detail = detail == null ? "" : detail;
    }
}
