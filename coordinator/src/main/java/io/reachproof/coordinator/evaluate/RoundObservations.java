package io.reachproof.coordinator.evaluate;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.plan.RoundPlan;
import io.reachproof.coordinator.registry.AgentState;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.SelfCheckStatus;
import java.util.Map;

/**
 * Everything a round saw, ready to evaluate.
 *
 * @param resultsByTask the first result of each task that arrived before the round closed
 * @param selfChecks each participating agent's self-check for this round, by agent id
 * @param agentStates liveness of every agent when the round closed (absent = gone)
 * @param complete true when every task's result and every self-check arrived before the deadline
 * @param suspectChange the policy change not yet proven enforced, or null
 */
public record RoundObservations(
        RoundPlan plan,
        Map<String, ProbeResult> resultsByTask,
        Map<String, SelfCheckStatus> selfChecks,
        Map<String, AgentState> agentStates,
        Map<String, Integer> agentsByState,
        long startedAtEpochMillis,
        long finishedAtEpochMillis,
        boolean complete,
        PolicyChange suspectChange) {

    public RoundObservations {
        requireNonNull(plan, "plan");
        resultsByTask = Map.copyOf(requireNonNull(resultsByTask, "resultsByTask"));
        selfChecks = Map.copyOf(requireNonNull(selfChecks, "selfChecks"));
        agentStates = Map.copyOf(requireNonNull(agentStates, "agentStates"));
        agentsByState = Map.copyOf(requireNonNull(agentsByState, "agentsByState"));
    }
}
