package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How rounds run.
 *
 * @param slack added to a round's probing time for plan delivery and result upload
 * @param agentConcurrency probes an agent runs at once (the deadline allows for waves of them)
 * @param retainReports finished reports kept per expectation set
 * @param prepareWindow workload mode: how long a round's first phase waits for the destination pods' readiness
 *     before it probes with what came (its deadline is this much later too)
 */
public record RoundSettings(Duration slack, int agentConcurrency, int retainReports, Duration prepareWindow) {

    /** The default prepare window: an agent checks a port twice, a second each, and delivers at once. */
    public static final Duration DEFAULT_PREPARE_WINDOW = Duration.ofSeconds(8);

    public RoundSettings {
        requireNonNull(slack, "slack");
        requireNonNull(prepareWindow, "prepareWindow");
        if (prepareWindow.isNegative() || prepareWindow.isZero()) {
            throw new IllegalArgumentException("prepareWindow must be positive: " + prepareWindow);
        }
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

    public RoundSettings(Duration slack, int agentConcurrency, int retainReports) {
        this(slack, agentConcurrency, retainReports, DEFAULT_PREPARE_WINDOW);
    }

    public static RoundSettings defaults() {
        return new RoundSettings(Duration.ofSeconds(2), 32, 20);
    }
}
