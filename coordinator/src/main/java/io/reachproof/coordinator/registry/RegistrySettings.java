package io.reachproof.coordinator.registry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Liveness timing: an agent heartbeats every {@code heartbeatInterval}; after {@code missedHeartbeats}
 * intervals without a word it is lost; after {@code goneAfter} it is gone.
 */
public record RegistrySettings(Duration heartbeatInterval, int missedHeartbeats, Duration goneAfter) {

    public RegistrySettings {
        requireNonNull(heartbeatInterval, "heartbeatInterval");
        requireNonNull(goneAfter, "goneAfter");
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("heartbeatInterval must be positive: " + heartbeatInterval);
        }
        if (missedHeartbeats < 1) {
            throw new IllegalArgumentException("missedHeartbeats must be at least 1: " + missedHeartbeats);
        }
        if (goneAfter.compareTo(lostAfter(heartbeatInterval, missedHeartbeats)) <= 0) {
            throw new IllegalArgumentException("goneAfter must be longer than heartbeatInterval x missedHeartbeats: "
                    + goneAfter);
        }
    }

    public static RegistrySettings defaults() {
        return new RegistrySettings(Duration.ofSeconds(5), 3, Duration.ofMinutes(10));
    }

    public Duration lostAfter() {
        return lostAfter(heartbeatInterval, missedHeartbeats);
    }

    private static Duration lostAfter(Duration interval, int missed) {
        return interval.multipliedBy(missed);
    }
}
