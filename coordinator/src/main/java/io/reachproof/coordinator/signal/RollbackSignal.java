package io.reachproof.coordinator.signal;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.PolicyChange;
import java.util.List;

/**
 * One rollback signal: the confirmed mismatch set of an expectation opened, changed or resolved.
 *
 * @param idempotencyKey the same for the same expectation, state, episode and mismatch set (see
 *     {@link SignalTracker}); a receiver acts once per key
 * @param episode id of the round that opened the episode this signal belongs to
 * @param roundId the round whose report caused this signal
 * @param traceId the OpenTelemetry trace id of that round, or null
 * @param openedAtEpochMillis when the episode's round finished
 * @param mismatches for OPENED/CHANGED the confirmed set now (every instance of the latest round that
 *     showed it); for RESOLVED the set that was firing until now
 * @param suspectChange the policy change suspected of the mismatches, or null
 */
public record RollbackSignal(
        String idempotencyKey,
        SignalEvent event,
        String expectation,
        String episode,
        String roundId,
        String traceId,
        long atEpochMillis,
        long openedAtEpochMillis,
        List<Mismatch> mismatches,
        PolicyChange suspectChange) {

    public RollbackSignal {
        requireNonNull(idempotencyKey, "idempotencyKey");
        requireNonNull(event, "event");
        requireNonNull(expectation, "expectation");
        requireNonNull(episode, "episode");
        requireNonNull(roundId, "roundId");
        mismatches = List.copyOf(requireNonNull(mismatches, "mismatches"));
        if (mismatches.isEmpty()) {
            throw new IllegalArgumentException("a rollback signal names at least one mismatch: " + idempotencyKey);
        }
    }

    /** True for OPENED and CHANGED. */
    public boolean firing() {
        return event != SignalEvent.RESOLVED;
    }
}
