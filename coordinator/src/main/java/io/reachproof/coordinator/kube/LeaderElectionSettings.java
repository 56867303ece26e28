package io.reachproof.coordinator.kube;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * Kubernetes Lease leader election of the coordinator (the {@code leaderElection:} block of its
 * configuration).
 *
 * @param namespace the Lease's namespace; empty: the client's namespace (in a pod: the pod's own)
 * @param name the Lease's name
 * @param identity this replica's name in the Lease; empty: the pod name ({@code POD_NAME}) or host name
 * @param leaseDuration how long a standby waits after the leader's last renewal before taking over
 * @param renewDeadline how long the leader tries to renew before it gives leadership up
 * @param retryPeriod how often candidates try to acquire and the leader renews
 */
public record LeaderElectionSettings(Optional<String> namespace, String name, Optional<String> identity,
        Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

    public static final String DEFAULT_NAME = "reachproof-coordinator";
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);
    public static final Duration DEFAULT_RENEW_DEADLINE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(2);
    /** fabric8 jitters the retry period by up to this factor; the renew deadline must leave room for it. */
    public static final double JITTER_FACTOR = 1.2;

    public LeaderElectionSettings {
        requireNonNull(namespace, "namespace");
        requireNonNull(name, "name");
        requireNonNull(identity, "identity");
        requireNonNull(leaseDuration, "leaseDuration");
        requireNonNull(renewDeadline, "renewDeadline");
        requireNonNull(retryPeriod, "retryPeriod");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (renewDeadline.compareTo(leaseDuration) >= 0) {
            throw new IllegalArgumentException("renewDeadline (" + renewDeadline + ") must be shorter than leaseDuration ("
                    + leaseDuration + ")");
        }
        if (retryPeriod.toMillis() * JITTER_FACTOR >= renewDeadline.toMillis()) {
            throw new IllegalArgumentException("retryPeriod (" + retryPeriod + ") x " + JITTER_FACTOR
                    + " must be shorter than renewDeadline (" + renewDeadline + ")");
        }
    }

    /** The defaults: Lease {@value #DEFAULT_NAME} in the client's namespace, 15s / 10s / 2s. */
    public static LeaderElectionSettings defaults() {
        return new LeaderElectionSettings(Optional.empty(), DEFAULT_NAME, Optional.empty(), DEFAULT_LEASE_DURATION,
                DEFAULT_RENEW_DEADLINE, DEFAULT_RETRY_PERIOD);
    }
}
