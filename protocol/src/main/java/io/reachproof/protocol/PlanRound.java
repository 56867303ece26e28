package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One agent's share of one round: the probes it sends, and its own responders it must self-check
 * (because other agents probe them in this round).
 *
 * <p>In workload mode a round has two phases: first the agent prepares the destination pods on its node
 * ({@code prepare}: make each port answer inside its pod, report a {@link TargetReadiness}); a later plan
 * version of the same round then carries the probe {@code tasks}. An agent executes a round's tasks once,
 * and its prepare list once.
 *
 * @param deadlineEpochMillis results arriving after this are late and not evaluated in the round
 * @param prepare workload mode: destination pods on this agent's node to make answer for the round
 */
public record PlanRound(
        String roundId,
        String expectation,
        List<ProbeTask> tasks,
        List<Responder> selfCheck,
        long deadlineEpochMillis,
        List<PodListener> prepare) {

    public PlanRound {
        requireNonNull(roundId, "roundId");
        requireNonNull(expectation, "expectation");
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
        selfCheck = selfCheck == null ? List.of() : List.copyOf(selfCheck);
        prepare = prepare == null ? List.of() : List.copyOf(prepare);
    }

    /** An agent-mode round: nothing to prepare. */
    public PlanRound(
            String roundId, String expectation, List<ProbeTask> tasks, List<Responder> selfCheck,
            long deadlineEpochMillis) {
        this(roundId, expectation, tasks, selfCheck, deadlineEpochMillis, List.of());
    }
}
