package io.reachproof.agent.probe;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Says when a repeated warning may be logged again: the first of a key at once, then at most one per
 * interval, with how many were held back meanwhile. Keys are what repeats (a target and its protocol, say).
 * Thread-safe.
 */
final class WarningThrottle {

    private static final int PRUNE_ABOVE = 1024;

    private final Clock clock;
    private final long intervalMillis;
    private final Map<String, Window> windows = new HashMap<>();

    WarningThrottle(Clock clock, Duration interval) {
        this.clock = requireNonNull(clock, "clock");
        requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.intervalMillis = interval.toMillis();
    }

    /**
     * One more warning of {@code key}.
     *
     * @return empty when it is to be held back; else how many of this key were held back since the last one logged
     */
    synchronized OptionalLong admit(String key) {
        long now = clock.millis();
        Window w = windows.get(key);
        if (w != null && now - w.loggedAtMillis < intervalMillis) {
            w.suppressed++;
            return OptionalLong.empty();
        }
        long suppressed = w == null ? 0 : w.suppressed;
        if (w == null && windows.size() >= PRUNE_ABOVE) {
            windows.values().removeIf(old -> now - old.loggedAtMillis >= intervalMillis);
        }
        windows.put(key, new Window(now));
        return OptionalLong.of(suppressed);
    }

    private static final class Window {
        final long loggedAtMillis;
        long suppressed;

        Window(long loggedAtMillis) {
            this.loggedAtMillis = loggedAtMillis;
        }
    }
}
