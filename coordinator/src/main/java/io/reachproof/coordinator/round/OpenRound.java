package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.evaluate.RoundObservations;
import io.reachproof.coordinator.plan.RoundPlan;
import io.reachproof.protocol.PlanRound;
import io.reachproof.protocol.PodListener;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Responder;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.SelfCheckStatus;
import io.reachproof.protocol.TargetAnswer;
import io.reachproof.protocol.TargetReadiness;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One round from its plan until it closes: which task belongs to which agent, the results and self-checks
 * that arrived, how many are still outstanding, and the report its callers wait for. Pure bookkeeping,
 * thread-safe; it neither schedules nor closes itself: {@link #accept} says when the last one arrived.
 *
 * <p>A workload-mode round ({@link RoundPlan#preparing()}) has two phases. First only the destination pods'
 * ports are prepared: what is outstanding is one {@link TargetReadiness} per pod and port, each from the agent
 * asked for it. {@link #startProbing} (when the last readiness came, or the prepare window passed) fixes the
 * tasks: a probe of a port that its agent made answer is sent, expecting the borrowed listener's identity
 * ({@code BORROWED}) or anything ({@code APP}, the pod's app: no identity to check); a probe of a port that did
 * not answer, or whose readiness did not come, is not sent (its cell is inconclusive). Then the results are
 * outstanding, as in a round of one phase.
 */
final class OpenRound {

    /** What became of one arrival. */
    enum Arrival {
        /** Cannot count in this round: it is closed, or the task (self-check) is not this agent's. */
        REFUSED,
        /** Counted (a second result of one task is counted once). */
        COUNTED,
        /** Counted, and nothing is outstanding any more: the round can close complete. */
        LAST
    }

    /** What arrived before the round was sealed; {@code readiness} by {@link RoundObservations#targetKey}. */
    record Arrived(Map<String, ProbeResult> resultsByTask, Map<String, SelfCheckStatus> selfChecks,
            Map<String, TargetReadiness> readiness) {
    }

    private final RoundPlan plan;
    private final long started;
    private final long deadline;
    private final Map<String, String> listenerOwners = new HashMap<>();
    private final Map<String, TargetReadiness> readiness = new HashMap<>();
    private final Map<String, String> taskOwners = new HashMap<>();
    private final Map<String, ProbeResult> results = new HashMap<>();
    private final Map<String, SelfCheckStatus> selfChecks = new HashMap<>();
    private Map<String, List<ProbeTask>> tasks = Map.of();
    private boolean probing;
    private final CompletableFuture<RoundReport> report = new CompletableFuture<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private boolean sealed;
    private int outstanding;

    OpenRound(RoundPlan plan, long started, long deadline) {
        this.plan = requireNonNull(plan, "plan");
        if (deadline < started) {
            throw new IllegalArgumentException("deadline " + deadline + " is before the start " + started);
        }
        this.started = started;
        this.deadline = deadline;
        plan.prepareByAgent().forEach((agent, listeners) -> {
            for (PodListener l : listeners) {
                listenerOwners.put(RoundObservations.targetKey(l.pod().uid(), l.port()), agent);
            }
        });
        if (plan.preparing()) {
            outstanding = listenerOwners.size();
        } else {
            probe(plan.tasksByAgent());
        }
    }

    /** The round's second phase starts with {@code tasks}: their results and the self-checks are outstanding. */
    private void probe(Map<String, List<ProbeTask>> byAgent) {
        probing = true;
        tasks = byAgent;
        byAgent.forEach((agent, list) -> {
            for (ProbeTask t : list) {
                taskOwners.put(t.taskId(), agent);
            }
        });
        outstanding = taskOwners.size() + plan.selfChecksByAgent().size();
    }

    /**
     * Ends the first phase of a workload-mode round: fixes the tasks from the readiness that arrived (see the
     * class comment). True for the one caller that started it; false when the round probes already, was
     * sealed, or has no first phase.
     */
    synchronized boolean startProbing() {
        if (probing || sealed) {
            return false;
        }
        Map<String, List<ProbeTask>> kept = new LinkedHashMap<>();
        plan.tasksByAgent().forEach((agent, list) -> {
            List<ProbeTask> sent = new ArrayList<>();
            for (ProbeTask t : list) {
                ProbeTask task = asPrepared(t);
                if (task != null) {
                    sent.add(task);
                }
            }
            if (!sent.isEmpty()) {
                kept.put(agent, List.copyOf(sent));
            }
        });
        probe(kept);
        return true;
    }

    /** {@code t} as its target's readiness says to send it; null when it is not to be sent. */
    private ProbeTask asPrepared(ProbeTask t) {
        if (t.targetPod() == null) {
            return t;
        }
        TargetReadiness ready = readiness.get(RoundObservations.targetKey(t.targetPod().uid(),
                new Responder(t.port(), t.protocol().spelling())));
        if (ready == null || ready.answer() == TargetAnswer.NONE) {
            return null;
        }
        return ready.answer() == TargetAnswer.BORROWED ? t : new ProbeTask(t.taskId(), t.protocol(), t.host(), t.port(),
                t.path(), t.method(), null, t.attempts(), t.timeoutMillis(), t.statusMin(), t.statusMax(), t.sourcePod(),
                t.targetPod());
    }

    /** True when every destination port's readiness came (always, for a round of one phase). */
    synchronized boolean everyTargetReported() {
        return readiness.size() == listenerOwners.size();
    }

    /** True while the round is in its first phase (workload mode: destination pods being prepared). */
    synchronized boolean preparing() {
        return !probing;
    }

    /** The tasks sent (after the first phase, those its readiness let through). */
    synchronized int taskCount() {
        return taskOwners.size();
    }

    RoundPlan plan() {
        return plan;
    }

    String roundId() {
        return plan.roundId();
    }

    String expectation() {
        return plan.expectation();
    }

    long started() {
        return started;
    }

    long deadline() {
        return deadline;
    }

    /** Completed with the report once the round has closed and every listener has seen it. */
    CompletableFuture<RoundReport> report() {
        return report;
    }

    /**
     * Each participant's share of the round in its current phase: while preparing, only the destination pods to
     * prepare (nothing is probed yet); then the tasks, the self-checks, and the prepare list again (an agent
     * prepares a round once, and keeps what it borrowed until the deadline).
     */
    synchronized Map<String, PlanRound> shares() {
        Map<String, PlanRound> shares = new LinkedHashMap<>();
        for (String agent : plan.participants()) {
            List<PodListener> prepare = plan.prepareByAgent().getOrDefault(agent, List.of());
            if (!probing) {
                if (!prepare.isEmpty()) {
                    shares.put(agent, new PlanRound(plan.roundId(), plan.expectation(), List.of(), List.of(), deadline,
                            prepare));
                }
                continue;
            }
            shares.put(agent, new PlanRound(plan.roundId(), plan.expectation(), tasks.getOrDefault(agent, List.of()),
                    plan.selfChecksByAgent().getOrDefault(agent, List.of()), deadline, prepare));
        }
        return shares;
    }

    synchronized int outstanding() {
        return outstanding;
    }

    /** A probe result {@code agentId} delivered. */
    Arrival accept(String agentId, ProbeResult result) {
        synchronized (this) {
            if (sealed || !agentId.equals(taskOwners.get(result.taskId()))) {
                return Arrival.REFUSED;
            }
            if (results.putIfAbsent(result.taskId(), result) != null) {
                return Arrival.COUNTED;
            }
            return --outstanding == 0 ? Arrival.LAST : Arrival.COUNTED;
        }
    }

    /** A self-check, delivered by the agent it is of. */
    Arrival accept(SelfCheckStatus status) {
        synchronized (this) {
            if (sealed || !plan.selfChecksByAgent().containsKey(status.agentId())) {
                return Arrival.REFUSED;
            }
            if (selfChecks.putIfAbsent(status.agentId(), status) != null) {
                return Arrival.COUNTED;
            }
            return --outstanding == 0 ? Arrival.LAST : Arrival.COUNTED;
        }
    }

    /** A destination pod's readiness, delivered by the agent asked to prepare it; counted in the first phase only. */
    Arrival accept(TargetReadiness ready) {
        synchronized (this) {
            String key = RoundObservations.targetKey(ready.pod().uid(), ready.port());
            if (sealed || probing || !ready.agentId().equals(listenerOwners.get(key))) {
                return Arrival.REFUSED;
            }
            if (readiness.putIfAbsent(key, ready) != null) {
                return Arrival.COUNTED;
            }
            return --outstanding == 0 ? Arrival.LAST : Arrival.COUNTED;
        }
    }

    /** True for the one caller that may close this round (the last arrival, the deadline, or an empty plan). */
    boolean claimClose() {
        return closing.compareAndSet(false, true);
    }

    /** Takes no arrival any more; returns what arrived until now. */
    synchronized Arrived seal() {
        sealed = true;
        return new Arrived(Map.copyOf(results), Map.copyOf(selfChecks), Map.copyOf(readiness));
    }
}
