package io.reachproof.coordinator.rollback;

import io.reachproof.coordinator.signal.SignalTracker;
import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.round.RoundListener;
import io.reachproof.protocol.MismatchText;
import io.reachproof.protocol.RoundReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The round listener of rollback signals: feeds each finished round to the {@link SignalTracker} and
 * hands the resulting signal to the sink. Register it after the telemetry listener so reports carry
 * their trace id.
 */
public final class RollbackSignals implements RoundListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RollbackSignals.class);

    private final SignalTracker tracker;
    private final RollbackSink sink;

    public RollbackSignals(SignalTracker tracker, RollbackSink sink) {
        this.tracker = requireNonNull(tracker, "tracker");
        this.sink = requireNonNull(sink, "sink");
    }

    @Override
    public RoundReport onRound(RoundReport report) {
        tracker.observe(report).ifPresent(signal -> {
            LOG.info("rollback signal {} {} for {} (round {}, trace {}): {}", signal.event().wireName(),
                    signal.idempotencyKey(), signal.expectation(), signal.roundId(), signal.traceId(),
                    MismatchText.summary(signal.expectation(), signal.mismatches()));
            sink.send(signal);
        });
        return report;
    }

    @Override
    public void close() {
        sink.close();
    }

    @Override
    public String toString() {
        return "RollbackSignals[" + sink + "]";
    }
}
