package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.plan.RoundPlan;
import io.reachproof.protocol.PlanRound;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.SelfCheckStatus;
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

    /** What arrived before the round was sealed. */
    record Arrived(Map<String, ProbeResult> resultsByTask, Map<String, SelfCheckStatus> selfChecks) {
    }

    private final RoundPlan plan;
    private final long started;
    private final long deadline;
    private final Map<String, String> taskOwners = new HashMap<>();
    private final Map<String, ProbeResult> results = new HashMap<>();
    private final Map<String, SelfCheckStatus> selfChecks = new HashMap<>();
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
        plan.tasksByAgent().forEach((agent, tasks) -> {
            for (ProbeTask t : tasks) {
                taskOwners.put(t.taskId(), agent);
            }
        });
        outstanding = taskOwners.size() + plan.selfChecksByAgent().size();
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

    /** Each participant's share of the round, as its plan carries it. */
    Map<String, PlanRound> shares() {
        Map<String, PlanRound> shares = new LinkedHashMap<>();
        for (String agent : plan.participants()) {
            shares.put(agent, new PlanRound(plan.roundId(), plan.expectation(),
                    plan.tasksByAgent().getOrDefault(agent, List.of()),
                    plan.selfChecksByAgent().getOrDefault(agent, List.of()), deadline));
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

    /** True for the one caller that may close this round (the last arrival, the deadline, or an empty plan). */
    boolean claimClose() {
        return closing.compareAndSet(false, true);
    }

    /** Takes no arrival any more; returns what arrived until now. */
    synchronized Arrived seal() {
        sealed = true;
        return new Arrived(Map.copyOf(results), Map.copyOf(selfChecks));
    }
}
