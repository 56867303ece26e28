package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One agent's share of one round: the probes it sends, and its own responders it must self-check
 * (because other agents probe them in this round).
 *
 * @param deadlineEpochMillis results arriving after this are late and not evaluated in the round
 */
public record PlanRound(
        String roundId, String expectation, List<ProbeTask> tasks, List<Responder> selfCheck, long deadlineEpochMillis) {

    public PlanRound {
        requireNonNull(roundId, "roundId");
        requireNonNull(expectation, "expectation");
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
        selfCheck = selfCheck == null ? List.of() : List.copyOf(selfCheck);
    }
}
