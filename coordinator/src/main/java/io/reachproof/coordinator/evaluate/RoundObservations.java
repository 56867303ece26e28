package io.reachproof.coordinator.evaluate;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.plan.RoundPlan;
import io.reachproof.coordinator.registry.AgentState;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.Responder;
import io.reachproof.protocol.SelfCheckStatus;
import io.reachproof.protocol.TargetReadiness;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Everything a round saw, ready to evaluate.
 *
 * @param resultsByTask the first result of each task that arrived before the round closed
 * @param selfChecks each participating agent's self-check for this round, by agent id
 * @param agentStates liveness of every agent when the round closed (absent = gone)
 * @param complete true when every task's result and every self-check arrived before the deadline
 * @param suspectsByCluster per cluster, the newest policy change there not yet proven enforced (a cluster
 *     without one is absent)
 * @param readiness workload mode: each destination pod port's readiness that arrived in the round's first
 *     phase, by {@link #targetKey}
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
        Map<String, PolicyChange> suspectsByCluster,
        Map<String, TargetReadiness> readiness) {

    public RoundObservations {
        requireNonNull(plan, "plan");
        resultsByTask = Map.copyOf(requireNonNull(resultsByTask, "resultsByTask"));
        selfChecks = Map.copyOf(requireNonNull(selfChecks, "selfChecks"));
        agentStates = Map.copyOf(requireNonNull(agentStates, "agentStates"));
        agentsByState = Map.copyOf(requireNonNull(agentsByState, "agentsByState"));
        suspectsByCluster = Map.copyOf(requireNonNull(suspectsByCluster, "suspectsByCluster"));
        readiness = Map.copyOf(requireNonNull(readiness, "readiness"));
    }

    /** Observations of a round with no workload-mode cells (no readiness). */
    public RoundObservations(RoundPlan plan, Map<String, ProbeResult> resultsByTask, Map<String, SelfCheckStatus> selfChecks,
            Map<String, AgentState> agentStates, Map<String, Integer> agentsByState, long startedAtEpochMillis,
            long finishedAtEpochMillis, boolean complete, Map<String, PolicyChange> suspectsByCluster) {
        this(plan, resultsByTask, selfChecks, agentStates, agentsByState, startedAtEpochMillis, finishedAtEpochMillis,
                complete, suspectsByCluster, Map.of());
    }

    /** How a destination pod's port is known in {@code readiness}: its pod's uid and the port. */
    public static String targetKey(String podUid, Responder port) {
        return podUid + "|" + port.port() + "/" + port.protocol();
    }

    /** The newest suspect change of any cluster: the round's suspect; null when there is none. */
    public PolicyChange suspectChange() {
        return PolicyChange.newest(suspectsByCluster.values().stream());
    }

    /**
     * The suspect of a cell between {@code fromCluster} and {@code toCluster}: the newer of the two clusters'
     * changes (a NetworkPolicy acts only on pods of its own cluster); null when neither has one.
     */
    public PolicyChange suspectFor(String fromCluster, String toCluster) {
        return PolicyChange.newest(Stream.of(suspectsByCluster.get(fromCluster), suspectsByCluster.get(toCluster)));
    }
}
