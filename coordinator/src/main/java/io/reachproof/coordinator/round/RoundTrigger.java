package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.RoundReport;
import java.util.concurrent.CompletionStage;

/**
 * Runs a round now: what {@code POST /v1/rounds}, the gate endpoint and a policy change call. A set has at
 * most one open round; asking while one is open joins it.
 */
public interface RoundTrigger {

    /**
     * Starts a round of {@code expectation} (or joins the open one).
     *
     * @throws IllegalArgumentException naming an unknown expectation
     */
    Started runNow(String expectation);

    /** A started round: its id, and its report when it has closed and every listener has seen it. */
    record Started(String roundId, CompletionStage<RoundReport> report) {
        public Started {
            requireNonNull(roundId, "roundId");
            requireNonNull(report, "report");
        }
    }
}
