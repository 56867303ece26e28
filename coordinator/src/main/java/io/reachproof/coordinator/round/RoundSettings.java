package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How rounds run.
 *
 * @param slack added to a round's probing time for plan delivery and result upload
 * @param agentConcurrency probes an agent runs at once (the deadline allows for waves of them)
 * @param retainReports finished reports kept per expectation set
 */
public record RoundSettings(Duration slack, int agentConcurrency, int retainReports) {

    public RoundSettings {
        requireNonNull(slack, "slack");
        if (slack.isNegative()) {
            throw new IllegalArgumentException("slack must not be negative: " + slack);
        }
        if (agentConcurrency < 1) {
            throw new IllegalArgumentException("agentConcurrency must be at least 1: " + agentConcurrency);
        }
        if (retainReports < 1) {
            throw new IllegalArgumentException("retainReports must be at least 1: " + retainReports);
        }
    }

    public static RoundSettings defaults() {
        return new RoundSettings(Duration.ofSeconds(2), 32, 20);
    }
}
