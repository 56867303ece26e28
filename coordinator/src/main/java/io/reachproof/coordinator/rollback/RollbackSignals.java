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

    /**
     * Continues the open episodes of {@code episodes} (from the proof record: what a former leader opened) with
     * their ids, so they keep their idempotency keys and get resolved here; returns how many were taken up.
     */
    public int resume(java.util.List<io.reachproof.coordinator.store.ProofRecord.Episode> episodes) {
        int taken = 0;
        for (io.reachproof.coordinator.store.ProofRecord.Episode e : episodes) {
            if (e.resolvedAt() == null && tracker.resume(e.expectation(), e.key(),
                    java.time.Instant.parse(e.openedAt()).toEpochMilli(), e.mismatches(), e.suspectChange())) {
                LOG.info("continuing episode {} of {} ({}, opened {}) from the proof record", e.key(), e.expectation(),
                        e.idempotencyKey(), e.openedAt());
                taken++;
            }
        }
        return taken;
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
