package io.reachproof.coordinator.rollback;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Exponential backoff with "equal jitter": before retry n (1-based) wait half of
 * {@code min(max, initial * 2^(n-1))} plus a random part of the other half, so retries of many
 * coordinators do not arrive in step and never come sooner than half the exponential delay.
 */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        requireNonNull(initial, "initial");
        requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be positive: " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff must be at least the initial backoff: " + max + " < "
                    + initial);
        }
    }

    /** The delay before retry {@code retry} (1-based), given {@code random} in [0, 1). */
    public Duration delay(int retry, double random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be at least 1: " + retry);
        }
        long capMillis = max.toMillis();
        long exp = initial.toMillis();
        for (int i = 1; i < retry && exp < capMillis; i++) {
            exp *= 2;
        }
        exp = Math.min(exp, capMillis);
        long half = exp / 2;
        return Duration.ofMillis(half + (long) (random * (exp - half)));
    }
}
