package io.reachproof.coordinator.evaluate;

import io.reachproof.coordinator.plan.PlannedCell;
import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.plan.WorkloadPod;
import io.reachproof.coordinator.registry.AgentState;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PairSummary;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.SelfCheckStatus;
import io.reachproof.protocol.TargetAnswer;
import io.reachproof.protocol.TargetReadiness;
import io.reachproof.protocol.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Observations -> round report. Pure.
 *
 * <p>A cell is {@code allow} when its probe connected to the expected peer (one connection proves a
 * hole); {@code deny} only when every one of at least {@code failedAttemptsForDeny} attempts failed
 * (timed out; a refusal or unreachable is an answer, proven at its first attempt) at a target that is live and whose responder for that port passed its
 * self-check this round; otherwise {@code inconclusive} with the reason. Inconclusive cells lower the
 * coverage and are never mismatches. Expected deny + observed allow is a HOLE; expected allow + observed
 * deny is BLOCKED.
 *
 * <p>Workload mode: a destination pod's port is live when its node's agent reported it answering its own
 * check from inside the pod ({@code APP} or {@code BORROWED}); a port with no such readiness is
 * {@code TARGET_SELF_CHECK_FAILED} (its probe was not even sent), and a failed probe of a borrowed listener
 * whose agent is no longer live is {@code TARGET_LOST} (the listener may have gone with it).
 */
public final class RoundEvaluator {

    private final int failedAttemptsForDeny;

    public RoundEvaluator(int failedAttemptsForDeny) {
        if (failedAttemptsForDeny < 1) {
            throw new IllegalArgumentException("failedAttemptsForDeny must be at least 1: " + failedAttemptsForDeny);
        }
        this.failedAttemptsForDeny = failedAttemptsForDeny;
    }

    public RoundReport evaluate(RoundObservations in) {
        List<CellResult> cells = new ArrayList<>();
        List<Mismatch> mismatches = new ArrayList<>();
        Map<List<String>, PairCounts> groupPairs = new LinkedHashMap<>();
        Map<List<String>, PairCounts> clusterPairs = new TreeMap<>((a, b) -> {
            int c = a.get(0).compareTo(b.get(0));
            return c != 0 ? c : a.get(1).compareTo(b.get(1));
        });
        int proven = 0;
        for (PlannedCell planned : in.plan().cells()) {
            CellResult cell = evaluate(planned, in);
            cells.add(cell);
            if (Mismatch.isMismatch(cell)) {
                mismatches.add(new Mismatch(cell, in.suspectFor(planned.fromCluster(), planned.toCluster())));
            }
            if (cell.observed() != ObservedVerdict.INCONCLUSIVE) {
                proven++;
            }
            groupPairs.computeIfAbsent(List.of(cell.fromGroup(), cell.toGroup()), k -> new PairCounts()).add(cell);
            clusterPairs.computeIfAbsent(List.of(planned.fromCluster(), planned.toCluster()), k -> new PairCounts()).add(cell);
        }
        double coverage = cells.isEmpty() ? 0.0 : (double) proven / cells.size();
        return new RoundReport(in.plan().roundId(), in.plan().expectation(), in.startedAtEpochMillis(),
                in.finishedAtEpochMillis(), in.complete(), null, cells, mismatches, coverage, summaries(groupPairs),
                summaries(clusterPairs), in.agentsByState(), in.suspectChange());
    }

    CellResult evaluate(PlannedCell planned, RoundObservations in) {
        ProbeResult result = planned.task() == null ? null : in.resultsByTask().get(planned.task().taskId());
        Verdict expected = planned.cell().verdict();
        ObservedVerdict observed;
        InconclusiveReason reason;
        TargetReadiness ready = readiness(planned, in);
        if (planned.unplanned() != null) {
            observed = ObservedVerdict.INCONCLUSIVE;
            reason = planned.unplanned();
        } else if (planned.toPod() != null && (ready == null || ready.answer() == TargetAnswer.NONE)) {
            observed = ObservedVerdict.INCONCLUSIVE;
            reason = InconclusiveReason.TARGET_SELF_CHECK_FAILED;
        } else if (result == null) {
            observed = ObservedVerdict.INCONCLUSIVE;
            reason = InconclusiveReason.NO_RESULT;
        } else {
            reason = switch (result.outcome()) {
                case CONNECTED -> null;
                case WRONG_PEER -> InconclusiveReason.WRONG_PEER;
                case ERROR -> InconclusiveReason.LOCAL_ERROR;
                case REFUSED, TIMEOUT, UNREACHABLE -> whyNotDeny(planned, ready, result, in);
            };
            if (result.outcome() == Outcome.CONNECTED) {
                observed = ObservedVerdict.ALLOW;
            } else {
                observed = reason == null ? ObservedVerdict.DENY : ObservedVerdict.INCONCLUSIVE;
            }
        }
        EndpointRef from = planned.fromPod() != null ? ref(planned.fromPod(), planned.from())
                : planned.from() == null ? EndpointRef.noAgent(planned.fromCluster()) : ref(planned.from());
        EndpointRef to;
        if (planned.external()) {
            to = EndpointRef.external(planned.externalAddress());
        } else if (planned.toPod() != null) {
            to = ref(planned.toPod(), planned.to());
        } else {
            to = planned.to() == null ? EndpointRef.noAgent(planned.toCluster()) : ref(planned.to());
        }
        return new CellResult(planned.cell().from(), from, planned.cell().to(), to,
                planned.cell().port().port(), planned.cell().port().protocol(), expected, observed, reason,
                result == null ? null : result.outcome(), result == null ? 0 : result.attempts(),
                result == null ? 0 : result.latencyMicros(), planned.cell().rule().fileLine(), planned.decidedBy(),
                planned.explain());
    }

    /** The readiness of a workload cell's destination port; null for other cells or when none arrived. */
    private static TargetReadiness readiness(PlannedCell planned, RoundObservations in) {
        return planned.toPod() == null ? null : in.readiness().get(RoundObservations.targetKey(planned.toPod().uid(),
                ProbePlanner.responder(planned.cell().port())));
    }

    /** Null when a failed probe proves deny; otherwise why it does not. */
    private InconclusiveReason whyNotDeny(PlannedCell planned, TargetReadiness ready, ProbeResult result,
            RoundObservations in) {
        if (planned.toPod() != null) {
            // the app answers without the agent; a borrowed listener lives in the agent, and may have died with it
            if (ready.answer() == TargetAnswer.BORROWED
                    && in.agentStates().getOrDefault(planned.to().agentId(), AgentState.GONE) != AgentState.LIVE) {
                return InconclusiveReason.TARGET_LOST;
            }
        } else if (!planned.external()) {
            String target = planned.to().agentId();
            if (in.agentStates().getOrDefault(target, AgentState.GONE) != AgentState.LIVE) {
                return InconclusiveReason.TARGET_LOST;
            }
            SelfCheckStatus check = in.selfChecks().get(target);
            if (check == null || !check.passed(ProbePlanner.responder(planned.cell().port()))) {
                return InconclusiveReason.TARGET_SELF_CHECK_FAILED;
            }
        }
        // silence may be a lost packet, so it takes every attempt; a reset or an ICMP error is an answer from the path
        // (a CNI that rejects instead of dropping), a deny proven at its first attempt
        return result.outcome() == Outcome.TIMEOUT && result.attempts() < failedAttemptsForDeny
                ? InconclusiveReason.TOO_FEW_ATTEMPTS : null;
    }

    /** The verdict and mismatch counts of one (group or cluster) pair, as the round adds its cells. */
    private static final class PairCounts {
        private int allow;
        private int deny;
        private int inconclusive;
        private int holes;
        private int blocked;

        void add(CellResult cell) {
            switch (cell.observed()) {
                case ALLOW -> allow++;
                case DENY -> deny++;
                case INCONCLUSIVE -> inconclusive++;
                default -> throw new IllegalStateException("unknown verdict " + cell.observed());
            }
            MismatchKind kind = MismatchKind.of(cell.expected(), cell.observed());
            if (kind == MismatchKind.HOLE) {
                holes++;
            } else if (kind == MismatchKind.BLOCKED) {
                blocked++;
            }
        }

        PairSummary summary(List<String> pair) {
            return new PairSummary(pair.get(0), pair.get(1), allow, deny, inconclusive, holes, blocked);
        }
    }

    private static List<PairSummary> summaries(Map<List<String>, PairCounts> counts) {
        List<PairSummary> all = new ArrayList<>();
        counts.forEach((pair, c) -> all.add(c.summary(pair)));
        return all;
    }

    /** How reports name a workload pod: the pod, on its node, with the agent there ({@code agent} may be null). */
    public static EndpointRef ref(WorkloadPod pod, AgentIdentity agent) {
        return new EndpointRef(agent == null ? null : agent.agentId(), pod.cluster(), agent == null ? null : agent.cloud(),
                agent == null ? null : agent.region(), pod.node(), pod.namespace(), pod.name(), pod.ip());
    }

    /** How reports name an agent. */
    public static EndpointRef ref(AgentIdentity a) {
        return new EndpointRef(a.agentId(), a.cluster(), a.cloud(), a.region(), a.node(), a.namespace(), a.pod(),
                a.addresses().isEmpty() ? null : a.addresses().get(0));
    }
}
