package io.reachproof.agent.control;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.Plan;
import io.reachproof.protocol.PlanRound;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Responder;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.SelfCheckStatus;
import io.reachproof.protocol.TargetReadiness;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the rounds of the agent's plans: each new round once (its probes and a self-check of the agent's own
 * responders), their results into the spool as one batch. While the coordinator is away it repeats the last
 * plan's rounds at the plan's cadence, so the agent keeps probing. Used by one thread at a time.
 */
final class RoundExecutor {

    private static final int MAX_EXECUTED_ROUNDS = 256;

    private final String agentId;
    private final TaskRunner runner;
    private final SelfChecker selfChecker;
    private final ResultSpool spool;
    private final Clock clock;
    private final Set<String> executedRounds = new LinkedHashSet<>();
    /** Rounds whose prepare list ran, with their deadlines: what was borrowed for them is given back after. */
    private final Map<String, Long> preparedRounds = new LinkedHashMap<>();
    /** Rounds whose prepare list ran, kept after their release too: a round is prepared once, never again. */
    private final Set<String> preparedOnce = new LinkedHashSet<>();
    private volatile TargetPreparing targets;
    private final AtomicLong offlineRepeats = new AtomicLong();
    private long version = -1;
    private List<PlanRound> lastRounds = List.of();
    private long repeatEveryMillis = 10_000;
    private long lastRunMillis;

    RoundExecutor(String agentId, TaskRunner runner, SelfChecker selfChecker, ResultSpool spool, Clock clock) {
        this.agentId = requireNonNull(agentId, "agentId");
        this.runner = requireNonNull(runner, "runner");
        this.selfChecker = requireNonNull(selfChecker, "selfChecker");
        this.spool = requireNonNull(spool, "spool");
        this.clock = requireNonNull(clock, "clock");
        this.targets = TargetPreparing.none(agentId, clock);
    }

    /** Workload mode: how this agent prepares the destination pods of its node. */
    void prepareTargetsWith(TargetPreparing value) {
        this.targets = requireNonNull(value, "targets");
    }

    /** The version of the last plan taken; -1 before the first. */
    long version() {
        return version;
    }

    /** Rounds repeated from the last plan while the coordinator was unreachable. */
    long offlineRepeats() {
        return offlineRepeats.get();
    }

    /** Takes a new plan: runs its rounds this agent has not run yet. */
    void take(Plan plan) throws InterruptedException {
        version = plan.version();
        repeatEveryMillis = plan.repeatEveryMillis();
        releaseEnded();
        for (PlanRound round : plan.rounds()) {
            // a round whose deadline passed is over: nothing is borrowed for it any more
            if (!round.prepare().isEmpty() && round.deadlineEpochMillis() > clock.millis()
                    && preparedOnce.add(round.roundId())) {
                preparedRounds.put(round.roundId(), round.deadlineEpochMillis());
                List<TargetReadiness> ready = targets.prepare(round.roundId(), round.deadlineEpochMillis(),
                        round.prepare());
                spool.append(new ResultBatch(agentId, List.of(), List.of(), ready));
            }
        }
        while (preparedOnce.size() > MAX_EXECUTED_ROUNDS) {
            preparedOnce.remove(preparedOnce.iterator().next());
        }
        List<PlanRound> fresh = new ArrayList<>();
        for (PlanRound round : plan.rounds()) {
            // a round only preparing (its probes come in a later version of the plan) has not run yet
            boolean onlyPreparing = !round.prepare().isEmpty() && round.tasks().isEmpty() && round.selfCheck().isEmpty();
            if (!executedRounds.contains(round.roundId()) && !onlyPreparing) {
                fresh.add(round);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        for (PlanRound r : fresh) {
            executedRounds.add(r.roundId());
        }
        while (executedRounds.size() > MAX_EXECUTED_ROUNDS) {
            executedRounds.remove(executedRounds.iterator().next());
        }
        lastRounds = plan.rounds();
        run(fresh);
    }

    /** Gives back what was borrowed for rounds whose deadline passed. */
    private void releaseEnded() {
        long now = clock.millis();
        preparedRounds.entrySet().removeIf(e -> {
            if (e.getValue() < now) {
                targets.release(e.getKey());
                return true;
            }
            return false;
        });
    }

    /** While the coordinator is away: repeats the last plan's rounds once the plan's cadence has passed. */
    void repeatIfDue() throws InterruptedException {
        releaseEnded();
        if (!lastRounds.isEmpty() && clock.millis() - lastRunMillis >= repeatEveryMillis) {
            offlineRepeats.incrementAndGet();
            run(lastRounds);
        }
    }

    private void run(List<PlanRound> rounds) throws InterruptedException {
        lastRunMillis = clock.millis();
        List<Responder> toCheck = new ArrayList<>();
        List<CompletableFuture<ProbeResult>> probes = new ArrayList<>();
        List<ProbeTask> tasks = new ArrayList<>();
        List<String> roundOfTask = new ArrayList<>();
        long longest = 0;
        for (PlanRound round : rounds) {
            round.selfCheck().forEach(r -> {
                if (!toCheck.contains(r)) {
                    toCheck.add(r);
                }
            });
            for (ProbeTask task : round.tasks()) {
                tasks.add(task);
                roundOfTask.add(round.roundId());
                probes.add(runner.run(task, round.roundId()));
                longest = Math.max(longest, task.attempts() * task.timeoutMillis());
            }
        }
        CompletableFuture<List<Responder>> check = toCheck.isEmpty()
                ? CompletableFuture.completedFuture(List.of()) : selfChecker.failedResponders();
        long waitMillis = Math.max(5_000, longest * 4 + 5_000);
        List<ProbeResult> results = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            results.add(await(probes.get(i), tasks.get(i), roundOfTask.get(i), waitMillis));
        }
        List<SelfCheckStatus> checks = new ArrayList<>();
        if (!toCheck.isEmpty()) {
            List<Responder> failed;
            String detail = "";
            try {
                failed = check.get(waitMillis, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                failed = toCheck;
                detail = "self-check did not finish: " + e;
            }
            for (PlanRound round : rounds) {
                if (!round.selfCheck().isEmpty()) {
                    List<Responder> mine = round.selfCheck().stream().filter(failed::contains).toList();
                    checks.add(new SelfCheckStatus(agentId, round.roundId(), mine,
                            mine.isEmpty() ? "" : (detail.isEmpty() ? "responders failed: " + mine : detail), clock.millis()));
                }
            }
        }
        // the spool says it when it is full
        spool.append(new ResultBatch(agentId, results, checks));
    }

    private ProbeResult await(CompletableFuture<ProbeResult> probe, ProbeTask task, String roundId, long waitMillis)
            throws InterruptedException {
        try {
            return probe.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return new ProbeResult(UUID.randomUUID().toString(), task.taskId(), agentId, roundId, Outcome.ERROR,
                    0, 0, null, "prober gave no result: " + e, clock.millis());
        }
    }
}
