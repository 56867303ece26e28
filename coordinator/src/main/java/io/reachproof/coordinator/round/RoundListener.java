package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.RoundReport;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Told about every finished round: telemetry turns it into spans and metrics, rollback signals into
 * webhooks and Events. Called on the coordinator's round thread; implementations must not block for
 * long (queue slow work) and must not throw.
 *
 * <p>{@link #onRound} may return a report enriched by the listener (e.g. with the trace id); the
 * composite passes each listener's return value to the next.
 */
public interface RoundListener {

    RoundListener NOOP = report -> report;

    RoundReport onRound(RoundReport report);

    /** All of {@code listeners} in order; one failing listener never stops the others. */
    static RoundListener composite(List<RoundListener> listeners) {
        List<RoundListener> all = List.copyOf(requireNonNull(listeners, "listeners"));
        Logger log = LoggerFactory.getLogger(RoundListener.class);
        return report -> {
            RoundReport current = report;
            for (RoundListener l : all) {
                try {
                    RoundReport next = l.onRound(current);
                    current = next == null ? current : next;
                } catch (RuntimeException e) {
                    log.warn("round listener {} failed on round {} of {}", l, current.roundId(), current.expectation(), e);
                }
            }
            return current;
        };
    }
}
