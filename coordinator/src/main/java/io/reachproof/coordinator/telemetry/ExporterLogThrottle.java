package io.reachproof.coordinator.telemetry;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * A {@code java.util.logging} handler for the OpenTelemetry SDK's own loggers (the SDK logs through
 * JUL) that keeps a collector outage from filling the log: each distinct warning (same logger, same
 * first sentence with its numbers blanked, e.g. "Failed to export N spans.") passes once, then at most once per quiet period,
 * saying how many like it were held back. Records below WARNING pass unchanged.
 *
 * <p>The SDK's exporters already throttle to a few lines a minute; an outage of hours still makes
 * hundreds of stack traces without this.
 */
final class ExporterLogThrottle extends Handler {

    private final Handler delegate;
    private final Clock clock;
    private final Duration quietPeriod;
    private final Map<String, Window> windows = new HashMap<>();

    ExporterLogThrottle(Handler delegate, Clock clock, Duration quietPeriod) {
        this.delegate = requireNonNull(delegate, "delegate");
        this.clock = requireNonNull(clock, "clock");
        this.quietPeriod = requireNonNull(quietPeriod, "quietPeriod");
        if (quietPeriod.isNegative() || quietPeriod.isZero()) {
            throw new IllegalArgumentException("quietPeriod must be positive: " + quietPeriod);
        }
    }

    @Override
    public void publish(LogRecord record) {
        if (record == null) {
            return;
        }
        if (record.getLevel().intValue() < Level.WARNING.intValue()) {
            delegate.publish(record);
            return;
        }
        String key = record.getLoggerName() + '|' + signature(record.getMessage());
        Instant now = clock.instant();
        long held;
        synchronized (windows) {
            Window w = windows.get(key);
            if (w != null && now.isBefore(w.until)) {
                w.held++;
                return;
            }
            held = w == null ? 0 : w.held;
            windows.put(key, new Window(now.plus(quietPeriod)));
        }
        delegate.publish(held == 0 ? record : withHeldCount(record, held));
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** The first sentence of {@code message} with every number replaced by N: what makes two warnings alike. */
    static String signature(String message) {
        if (message == null) {
            return "";
        }
        int dot = message.indexOf(". ");
        String first = dot < 0 ? message : message.substring(0, dot + 1);
        return first.replaceAll("[0-9]+", "N");
    }

    private static String describe(Duration d) {
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    private LogRecord withHeldCount(LogRecord r, long held) {
        LogRecord copy = new LogRecord(r.getLevel(), r.getMessage() + " (" + held
                + " more like this held back in the last " + describe(quietPeriod) + ")");
        copy.setLoggerName(r.getLoggerName());
        copy.setParameters(r.getParameters());
        copy.setThrown(r.getThrown());
        copy.setInstant(r.getInstant());
        copy.setSourceClassName(r.getSourceClassName());
        copy.setSourceMethodName(r.getSourceMethodName());
        copy.setResourceBundle(r.getResourceBundle());
        copy.setResourceBundleName(r.getResourceBundleName());
        return copy;
    }

    private static final class Window {
        final Instant until;
        long held;

        Window(Instant until) {
            this.until = until;
        }
    }
}
