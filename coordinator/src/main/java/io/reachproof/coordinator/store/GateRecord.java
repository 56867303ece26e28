package io.reachproof.coordinator.store;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** One answer of the gate: for which set, when, what it said, on which round. */
public record GateRecord(String expectation, String decidedAt, String verdict, Optional<String> roundId) {

    public GateRecord {
        requireNonNull(expectation, "expectation");
        requireNonNull(decidedAt, "decidedAt");
        requireNonNull(verdict, "verdict");
        requireNonNull(roundId, "roundId");
    }
}
