package io.reachproof.coordinator.gate;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.RoundReport;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What the gate answers for one expectation, decided from its finished rounds. Pure.
 *
 * <p>Only complete rounds that <i>started</i> at or after {@code since} count (a round that began before
 * the deploy may have probed the old state); without {@code since} every retained complete round counts.
 * The newest counted round decides: mismatches -> {@link State#FAIL}; none but coverage below
 * {@code minCoverage} -> {@link State#INCONCLUSIVE}; else {@link State#PASS}. No counted round ->
 * {@link State#PENDING}.
 *
 * @param round the deciding round, null when pending
 * @param roundsSince complete rounds counted
 * @param failedRoundsSince of those, rounds with mismatches
 */
public record GateDecision(State state, RoundReport round, int roundsSince, int failedRoundsSince) {

    public enum State {
        PASS,
        FAIL,
        INCONCLUSIVE,
        PENDING;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public GateDecision {
        requireNonNull(state, "state");
        if ((state == State.PENDING) != (round == null)) {
            throw new IllegalArgumentException("a round decides every state but pending: " + state);
        }
    }

    /** Decides from {@code newestFirst} (as {@code RoundHistory#reports} returns them). */
    public static GateDecision decide(List<RoundReport> newestFirst, Instant since, double minCoverage) {
        requireNonNull(newestFirst, "newestFirst");
        List<RoundReport> counted = newestFirst.stream()
                .filter(RoundReport::complete)
                .filter(r -> since == null || r.startedAtEpochMillis() >= since.toEpochMilli())
                .toList();
        if (counted.isEmpty()) {
            return new GateDecision(State.PENDING, null, 0, 0);
        }
        RoundReport deciding = counted.stream()
                .max(Comparator.comparingLong(RoundReport::startedAtEpochMillis)
                        .thenComparingLong(RoundReport::finishedAtEpochMillis))
                .orElseThrow();
        int failed = (int) counted.stream().filter(r -> !r.mismatches().isEmpty()).count();
        State state;
        if (!deciding.mismatches().isEmpty()) {
            state = State.FAIL;
        } else if (deciding.coverage() < minCoverage) {
            state = State.INCONCLUSIVE;
        } else {
            state = State.PASS;
        }
        return new GateDecision(state, deciding, counted.size(), failed);
    }
}
