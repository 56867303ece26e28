package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.reachproof.coordinator.evaluate.RoundEvaluator;
import io.reachproof.coordinator.evaluate.RoundObservations;
import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.plan.RoundPlan;
import io.reachproof.coordinator.plan.WorkloadPod;
import io.reachproof.coordinator.plan.WorkloadPods;
import io.reachproof.coordinator.registry.AgentRegistry;
import io.reachproof.coordinator.registry.AgentState;
import io.reachproof.coordinator.registry.RegisteredAgent;
import io.reachproof.protocol.BatchAck;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.RoundReport;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rounds: plan -> agents fetch their share -> results arrive -> the round closes when every result
 * and self-check is in, or at its deadline -> {@link ClosePipeline} (evaluate, enrich, publish, keep). At
 * most one open round per expectation set. Quartz jobs and the API call this facade; it knows nothing of
 * either and delegates to {@link OpenRounds} and {@link RoundDeadlines} (open rounds and their deadlines),
 * {@link ResultIngest} (deliveries), {@link SuspectLedger} (policy changes and the reruns they ask for)
 * and {@link ClosePipeline}. It closes rounds on a thread of its own.
 */
public final class RoundService implements RoundTrigger, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RoundService.class);

    private final Clock clock;
    private final AgentRegistry registry;
    private final PlanBoard board;
    private final ProbePlanner planner;
    private final Map<String, LoadedExpectation> expectations = new LinkedHashMap<>();
    private final Map<String, DerivedCells> derived = new HashMap<>();
    private final OpenRounds open;
    private final RoundDeadlines deadlines;
    private final ResultIngest ingest = new ResultIngest(500_000);
    private final SuspectLedger ledger = new SuspectLedger();
    private final ClosePipeline pipeline;
    private final ExecutorService roundThread;
    private final ScheduledExecutorService timer;
    /** The follow-up rounds of recent NetworkPolicy changes, cancelled at close. */
    private final List<java.util.concurrent.ScheduledFuture<?>> followUps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final WorkloadPods workloadPods;
    /** Set by {@link #close()}: a round that closes meanwhile starts no rerun on timers that are going away. */
    private volatile boolean shutDown;

    public RoundService(Clock clock, AgentRegistry registry, PlanBoard board, ProbePlanner planner,
            RoundEvaluator evaluator, RoundListener listener, InMemoryRoundHistory history,
            List<LoadedExpectation> loaded, RoundSettings settings, ScheduledExecutorService timer) {
        this(clock, registry, board, planner, evaluator, RoundEnricher.NONE, listener, history, loaded, settings, timer);
    }

    /**
     * @param enricher adds the trace id to a closed round's report before {@code listener} and {@code history}
     *     see it
     * @param timer fires the rounds' deadlines
     */
    public RoundService(Clock clock, AgentRegistry registry, PlanBoard board, ProbePlanner planner,
            RoundEvaluator evaluator, RoundEnricher enricher, RoundListener listener, InMemoryRoundHistory history,
            List<LoadedExpectation> loaded, RoundSettings settings, ScheduledExecutorService timer) {
        this(clock, registry, board, planner, evaluator, enricher, listener, history, loaded, settings, timer,
                WorkloadPods.NONE);
    }

    /**
     * @param workloadPods the clusters in workload mode and their pods: there groups select real pods, and a round
     *     first has their destination ports prepared (see {@link ProbePlanner})
     */
    public RoundService(Clock clock, AgentRegistry registry, PlanBoard board, ProbePlanner planner,
            RoundEvaluator evaluator, RoundEnricher enricher, RoundListener listener, InMemoryRoundHistory history,
            List<LoadedExpectation> loaded, RoundSettings settings, ScheduledExecutorService timer,
            WorkloadPods workloadPods) {
        this.workloadPods = requireNonNull(workloadPods, "workloadPods");
        this.clock = requireNonNull(clock, "clock");
        this.registry = requireNonNull(registry, "registry");
        this.board = requireNonNull(board, "board");
        this.planner = requireNonNull(planner, "planner");
        this.pipeline = new ClosePipeline(evaluator, enricher, listener, history);
        for (LoadedExpectation e : loaded) {
            if (expectations.putIfAbsent(e.name(), e) != null) {
                throw new IllegalArgumentException("two expectation sets are named " + e.name());
            }
            derived.put(e.name(), new DerivedCells(e));
        }
        this.open = new OpenRounds(clock, requireNonNull(settings, "settings"), planner.settings(), loaded,
                Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36));
        this.deadlines = new RoundDeadlines(timer);
        this.timer = timer;
        this.roundThread = Executors.newSingleThreadExecutor(new DefaultThreadFactory("reachproof-round", true));
    }

    public Set<String> expectations() {
        return expectations.keySet();
    }

    public Optional<LoadedExpectation> expectation(String name) {
        return Optional.ofNullable(expectations.get(name));
    }

    @Override
    public synchronized Started runNow(String name) {
        LoadedExpectation loaded = expectations.get(name);
        if (loaded == null) {
            throw new IllegalArgumentException("unknown expectation: " + name + " (known: "
                    + String.join(", ", expectations.keySet()) + ")");
        }
        Optional<OpenRound> running = open.of(name);
        if (running.isPresent()) {
            return new Started(running.get().roundId(), running.get().report());
        }
        OpenRounds.Next next = open.next(name);
        List<RegisteredAgent> agents = registry.snapshot();
        Map<String, List<WorkloadPod>> pods = workloadPods.byCluster();
        RoundPlan plan = planner.plan(next.roundId(), next.number(), name, loaded.expectation().groups(), loaded.cells(),
                derived.get(name).forEndpoints(ProbePlanner.endpoints(agents, pods)), agents, pods);
        OpenRound round = open.open(plan);
        board.open(round.roundId(), round.shares());
        LOG.info("round {} started: {} cells, {} probes, {} agents, {} destination ports to prepare first, deadline in {} ms",
                round.roundId(), plan.cells().size(), plan.taskCount(), plan.participants().size(),
                plan.prepareByAgent().values().stream().mapToInt(List::size).sum(), round.deadline() - round.started());
        if (plan.cells().isEmpty()) {
            // no agent in any group yet (a fleet still starting): a round that looked at nothing is no complete round
            LOG.warn("round {} planned no cells ({} agents registered, none in the groups of {}): closing it incomplete",
                    round.roundId(), agents.size(), name);
            closeLater(round, false);
        } else if (round.outstanding() == 0) {
            if (plan.taskCount() == 0) {
                LOG.warn("round {} probes nothing: {} agents registered, no agent pair to probe in the groups of {}"
                        + " ({} cells inconclusive)", round.roundId(), agents.size(), name, plan.cells().size());
            }
            closeLater(round, true);
        } else if (round.preparing()) {
            deadlines.arm(round, open.prepareWindowMillis(), () -> probe(round));
        } else {
            deadlines.arm(round, () -> closeLater(round, false));
        }
        return new Started(round.roundId(), round.report());
    }

    /**
     * A workload-mode round's first phase is over (every readiness came, or its window passed): its probes go out,
     * those whose destination answered its own check; the round then closes as one of one phase.
     */
    private void probe(OpenRound round) {
        if (!round.startProbing()) {
            return;
        }
        board.open(round.roundId(), round.shares());
        LOG.info("round {} probes: {} of {} probes sent, the other destinations did not answer their own check",
                round.roundId(), round.taskCount(), round.plan().taskCount());
        if (round.outstanding() == 0) {
            // nothing to probe: complete only when every destination said it cannot answer
            closeLater(round, round.everyTargetReported());
        } else {
            deadlines.arm(round, round.deadline() - clock.millis(), () -> closeLater(round, false));
        }
    }

    /** Runs a round and waits for its report: what the scheduled job does, so rounds of a set never overlap. */
    public RoundReport runAndWait(String name) throws InterruptedException {
        try {
            return runNow(name).report().toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("round of " + name + " failed", e.getCause());
        }
    }

    /** Takes one agent's delivery; results are deduplicated by id, and those of closed rounds only counted. */
    public BatchAck accept(ResultBatch batch) {
        return ingest.accept(batch, open, round -> closeLater(round, true), this::probe);
    }

    /** What one agent delivered so far: accepted, duplicates, late. */
    public BatchAck delivered(String agentId) {
        return ingest.delivered(agentId);
    }

    /**
     * A NetworkPolicy changed: until a round of a set proves it enforced ({@link RoundReport#provesEnforced}),
     * it is the suspect of that set's mismatches with an end in its cluster (the newest change per cluster;
     * a report's own suspect is the newest of any cluster), and a round of every set starts now, planned
     * with the policies in force now (the watch updates them before it calls this). A set whose round is open
     * (planned before the change) gets its new round as soon as that one closes.
     */
    public synchronized void policyChanged(PolicyChange change) {
        requireNonNull(change, "change");
        for (String name : expectations.keySet()) {
            ledger.suspect(name, change);
            rerun(name, true);
        }
        // a dataplane takes a while to enforce a change: look again soon, until a round proves it enforced
        followUps.removeIf(java.util.concurrent.Future::isDone);
        long after = 0;
        for (Duration gap : ENFORCEMENT_FOLLOW_UPS) {
            after += gap.toMillis();
            try {
                followUps.add(timer.schedule(this::followUp, after, TimeUnit.MILLISECONDS));
            } catch (RejectedExecutionException stopping) {
                return;
            }
        }
    }

    /**
     * After a NetworkPolicy change, the rounds that follow it at once may see the dataplane before it enforced the
     * change: each set whose suspect is not yet proven enforced gets a round again this long after the one before
     * (1, 3, 7 and 15 s after the change), so time-to-enforce is measured in seconds, not in intervals.
     */
    static final List<Duration> ENFORCEMENT_FOLLOW_UPS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(4), Duration.ofSeconds(8));

    private synchronized void followUp() {
        if (shutDown) {
            return;
        }
        for (String name : expectations.keySet()) {
            if (ledger.newest(name).isPresent()) {
                rerun(name, false);
            }
        }
    }

    /** Runs a round of {@code name} now, or once its open round closes (always, or only when {@code always}). */
    private void rerun(String name, boolean always) {
        if (open.isOpen(name)) {
            if (always) {
                ledger.rerunAfterOpenRound(name);
            }
        } else {
            try {
                runNow(name);
            } catch (RuntimeException e) {
                LOG.warn("cannot start a round of {} after a NetworkPolicy change", name, e);
            }
        }
    }

    /** The newest change of any cluster not yet proven enforced for {@code expectation}. */
    public Optional<PolicyChange> suspect(String expectation) {
        return ledger.newest(expectation);
    }

    private void closeLater(OpenRound round, boolean complete) {
        if (round.claimClose()) {
            deadlines.disarm(round);
            try {
                roundThread.execute(() -> close(round, complete));
            } catch (RejectedExecutionException e) {
                round.report().cancel(false);
            }
        }
    }

    private void close(OpenRound round, boolean complete) {
        String name = round.expectation();
        boolean again = false;
        try {
            OpenRound.Arrived arrived = round.seal();
            Map<String, AgentState> states = new HashMap<>();
            registry.snapshot().forEach(a -> states.put(a.agentId(), a.state()));
            RoundObservations observed = new RoundObservations(round.plan(), arrived.resultsByTask(), arrived.selfChecks(),
                    states, registry.countByState(), round.started(), clock.millis(), complete, ledger.suspectsOf(name),
                    arrived.readiness());
            again = closed(round);
            board.close(round.roundId(), round.plan().participants());
            RoundReport kept = pipeline.close(observed);
            ledger.roundClosed(name, observed.suspectsByCluster(), kept);
            LOG.info("round {} closed: {} cells, {} mismatches, coverage {}%, {}", kept.roundId(), kept.cells().size(),
                    kept.mismatches().size(), Math.round(kept.coverage() * 100), complete ? "complete" : kept.cells().isEmpty() ? "nothing planned" : "at deadline");
            round.report().complete(kept);
        } catch (RuntimeException e) {
            LOG.warn("round {} of {} failed to close", round.roundId(), name, e);
            again |= closed(round);
            round.report().completeExceptionally(e);
        }
        if (again) {
            LOG.info("a NetworkPolicy changed while round {} was open: running {} again", round.roundId(), name);
            try {
                rerun(name);
            } catch (RuntimeException e) {
                LOG.warn("cannot start the round of {} after a NetworkPolicy change", name, e);
            }
        }
    }

    /** Runs the round a policy change left waiting, unless the service is closing. */
    private synchronized void rerun(String name) {
        if (!shutDown) {
            runNow(name);
        }
    }

    /** {@code round} is no longer open; true when a policy change waits for a round of its own. */
    private synchronized boolean closed(OpenRound round) {
        open.release(round);
        return ledger.takeRerun(round.expectation());
    }

    @Override
    public void close() {
        synchronized (this) {
            // under the lock runNow holds: once this returns, no rerun schedules on the caller's timer
            shutDown = true;
        }
        followUps.forEach(f -> f.cancel(false));
        roundThread.shutdownNow();
        open.all().forEach(r -> r.report().cancel(false));
    }
}
