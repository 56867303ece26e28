package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.evaluate.RoundEvaluator;
import io.reachproof.coordinator.evaluate.RoundObservations;
import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.plan.RoundPlan;
import io.reachproof.coordinator.registry.AgentRegistry;
import io.reachproof.coordinator.registry.AgentState;
import io.reachproof.coordinator.registry.RegisteredAgent;
import io.reachproof.protocol.BatchAck;
import io.reachproof.protocol.PlanRound;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.SelfCheckStatus;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rounds: plan -> agents fetch their share -> results arrive -> the round closes when every result
 * and self-check is in, or at its deadline (waves x attempts x timeout + slack) -> evaluation -> listeners
 * -> history. At most one open round per expectation set. Quartz jobs and the API delegate here; this
 * class knows nothing of either.
 */
public final class RoundService implements RoundTrigger, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RoundService.class);

    private final Clock clock;
    private final AgentRegistry registry;
    private final PlanBoard board;
    private final ProbePlanner planner;
    private final RoundEvaluator evaluator;
    private final RoundListener listener;
    private final InMemoryRoundHistory history;
    private final Map<String, LoadedExpectation> expectations = new LinkedHashMap<>();
    private final Map<String, DerivedCells> derived = new HashMap<>();
    private final RoundSettings settings;
    private final ScheduledExecutorService timer;
    private final ExecutorService roundThread;
    private final String bootTag;
    private final Map<String, AtomicLong> sequences = new HashMap<>();
    private final Map<String, OpenRound> openByExpectation = new ConcurrentHashMap<>();
    private final Map<String, OpenRound> openById = new ConcurrentHashMap<>();
    /** Per expectation set, per cluster: the newest policy change there not yet proven enforced. */
    private final Map<String, Map<String, PolicyChange>> suspects = new ConcurrentHashMap<>();
    private final Set<String> rerun = ConcurrentHashMap.newKeySet();
    /** Set by {@link #close()}: a round that closes meanwhile starts no rerun on timers that are going away. */
    private volatile boolean shutDown;
    private final ResultIngest ingest = new ResultIngest(500_000);

    public RoundService(Clock clock, AgentRegistry registry, PlanBoard board, ProbePlanner planner,
            RoundEvaluator evaluator, RoundListener listener, InMemoryRoundHistory history,
            List<LoadedExpectation> loaded, RoundSettings settings, ScheduledExecutorService timer) {
        this.clock = requireNonNull(clock, "clock");
        this.registry = requireNonNull(registry, "registry");
        this.board = requireNonNull(board, "board");
        this.planner = requireNonNull(planner, "planner");
        this.evaluator = requireNonNull(evaluator, "evaluator");
        this.listener = requireNonNull(listener, "listener");
        this.history = requireNonNull(history, "history");
        this.settings = requireNonNull(settings, "settings");
        this.timer = requireNonNull(timer, "timer");
        for (LoadedExpectation e : loaded) {
            if (expectations.putIfAbsent(e.name(), e) != null) {
                throw new IllegalArgumentException("two expectation sets are named " + e.name());
            }
            derived.put(e.name(), new DerivedCells(e));
            // the rotation of agent pairs continues across coordinator restarts: rounds are numbered by time
            sequences.put(e.name(), new AtomicLong(clock.millis() / e.expectation().interval().toMillis()));
        }
        this.bootTag = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);
        this.roundThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "reachproof-round");
            t.setDaemon(true);
            return t;
        });
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
        OpenRound open = openByExpectation.get(name);
        if (open != null) {
            return new Started(open.plan.roundId(), open.report);
        }
        long seq = sequences.get(name).incrementAndGet();
        String roundId = name + "-" + seq + "-" + bootTag;
        long started = clock.millis();
        List<RegisteredAgent> agents = registry.snapshot();
        RoundPlan plan = planner.plan(roundId, seq, name, loaded.expectation().groups(), loaded.cells(),
                derived.get(name).forAgents(agents), agents);
        int maxTasks = plan.tasksByAgent().values().stream().mapToInt(List::size).max().orElse(0);
        long waves = Math.max(1, (maxTasks + settings.agentConcurrency() - 1) / settings.agentConcurrency());
        long probing = waves * planner.settings().attempts() * planner.settings().timeoutMillis();
        long deadline = started + probing + settings.slack().toMillis();
        OpenRound round = new OpenRound(plan, started, deadline);
        openByExpectation.put(name, round);
        openById.put(roundId, round);
        Map<String, PlanRound> shares = new LinkedHashMap<>();
        for (String agent : plan.participants()) {
            shares.put(agent, new PlanRound(roundId, name, plan.tasksByAgent().getOrDefault(agent, List.of()),
                    plan.selfChecksByAgent().getOrDefault(agent, List.of()), deadline));
        }
        board.open(roundId, shares);
        LOG.info("round {} started: {} cells, {} probes, {} agents, deadline in {} ms", roundId, plan.cells().size(),
                plan.taskCount(), shares.size(), deadline - started);
        if (plan.cells().isEmpty()) {
            // no agent in any group yet (a fleet still starting): a round that looked at nothing is no complete round
            LOG.warn("round {} planned no cells ({} agents registered, none in the groups of {}): closing it incomplete",
                    roundId, agents.size(), name);
            closeLater(round, false);
        } else if (round.outstanding() == 0) {
            if (plan.taskCount() == 0) {
                LOG.warn("round {} probes nothing: {} agents registered, no agent pair to probe in the groups of {}"
                        + " ({} cells inconclusive)", roundId, agents.size(), name, plan.cells().size());
            }
            closeLater(round, true);
        } else {
            round.deadlineTimer = timer.schedule(() -> closeLater(round, false), deadline - started, TimeUnit.MILLISECONDS);
        }
        return new Started(roundId, round.report);
    }

    /** Runs a round and waits for its report: what the scheduled job does, so rounds of a set never overlap. */
    public RoundReport runAndWait(String name) throws InterruptedException {
        try {
            return runNow(name).report().toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("round of " + name + " failed", e.getCause());
        }
    }

    /** Takes one agent's delivery; results are deduplicated by id, and those of closed rounds only counted. */
    public BatchAck accept(ResultBatch batch) {
        ResultIngest.Counts counts = ingest.counts(batch.agentId());
        int accepted = 0;
        int duplicates = 0;
        int late = 0;
        for (ProbeResult r : batch.results()) {
            if (!ingest.firstTime(r.resultId())) {
                duplicates++;
                continue;
            }
            accepted++;
            OpenRound round = r.roundId() == null ? null : openById.get(r.roundId());
            if (round == null || !round.accept(batch.agentId(), r)) {
                late++;
            }
        }
        for (SelfCheckStatus s : batch.selfChecks()) {
            OpenRound round = openById.get(s.roundId());
            if (round != null && s.agentId().equals(batch.agentId())) {
                round.accept(s);
            }
        }
        counts.accepted.add(accepted);
        counts.duplicates.add(duplicates);
        counts.late.add(late);
        return new BatchAck(accepted, duplicates, late);
    }

    /** What one agent delivered so far: accepted, duplicates, late. */
    public BatchAck delivered(String agentId) {
        ResultIngest.Counts c = ingest.counts(agentId);
        return new BatchAck((int) c.accepted.sum(), (int) c.duplicates.sum(), (int) c.late.sum());
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
            suspects.computeIfAbsent(name, n -> new ConcurrentHashMap<>()).put(change.cluster(), change);
            if (openByExpectation.containsKey(name)) {
                rerun.add(name);
            } else {
                runNow(name);
            }
        }
    }

    /** The newest change of any cluster not yet proven enforced for {@code expectation}. */
    public Optional<PolicyChange> suspect(String expectation) {
        return Optional.ofNullable(PolicyChange.newest(suspectsOf(expectation).values().stream()));
    }

    private Map<String, PolicyChange> suspectsOf(String expectation) {
        return Map.copyOf(suspects.getOrDefault(expectation, Map.of()));
    }

    private void closeLater(OpenRound round, boolean complete) {
        if (round.closing.compareAndSet(false, true)) {
            if (round.deadlineTimer != null) {
                round.deadlineTimer.cancel(false);
            }
            try {
                roundThread.execute(() -> close(round, complete));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                round.report.cancel(false);
            }
        }
    }

    private void close(OpenRound round, boolean complete) {
        String name = round.plan.expectation();
        boolean again = false;
        try {
            RoundObservations observed;
            synchronized (round) {
                round.closed = true;
                Map<String, AgentState> states = new HashMap<>();
                registry.snapshot().forEach(a -> states.put(a.agentId(), a.state()));
                observed = new RoundObservations(round.plan, round.results, round.selfChecks, states,
                        registry.countByState(), round.started, clock.millis(), complete, suspectsOf(name));
            }
            openById.remove(round.plan.roundId());
            again = closed(name, round);
            board.close(round.plan.roundId(), round.plan.participants());
            RoundReport report = evaluator.evaluate(observed);
            RoundReport told = listener.onRound(report);
            RoundReport kept = told == null ? report : told;
            history.add(kept);
            Map<String, PolicyChange> inForce = suspects.getOrDefault(name, Map.of());
            for (PolicyChange change : observed.suspectsByCluster().values()) {
                if (kept.provesEnforced(change)) {
                    inForce.remove(change.cluster(), change);
                }
            }
            LOG.info("round {} closed: {} cells, {} mismatches, coverage {}%, {}", kept.roundId(), kept.cells().size(),
                    kept.mismatches().size(), Math.round(kept.coverage() * 100), complete ? "complete" : kept.cells().isEmpty() ? "nothing planned" : "at deadline");
            round.report.complete(kept);
        } catch (RuntimeException e) {
            LOG.warn("round {} of {} failed to close", round.plan.roundId(), name, e);
            openById.remove(round.plan.roundId());
            again |= closed(name, round);
            round.report.completeExceptionally(e);
        }
        if (again) {
            LOG.info("a NetworkPolicy changed while round {} was open: running {} again", round.plan.roundId(), name);
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

    /** {@code round} is no longer the open one of {@code name}; true when a policy change waits for a round of its own. */
    private synchronized boolean closed(String name, OpenRound round) {
        openByExpectation.remove(name, round);
        return rerun.remove(name);
    }

    @Override
    public void close() {
        synchronized (this) {
            // under the lock runNow holds: once this returns, no rerun schedules on the caller's timer
            shutDown = true;
        }
        roundThread.shutdownNow();
        openById.values().forEach(r -> r.report.cancel(false));
    }

    private final class OpenRound {
        final RoundPlan plan;
        final long started;
        final long deadline;
        final Map<String, String> taskOwners = new HashMap<>();
        final Map<String, ProbeResult> results = new HashMap<>();
        final Map<String, SelfCheckStatus> selfChecks = new HashMap<>();
        final CompletableFuture<RoundReport> report = new CompletableFuture<>();
        final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
        volatile ScheduledFuture<?> deadlineTimer;
        boolean closed;
        int outstanding;

        OpenRound(RoundPlan plan, long started, long deadline) {
            this.plan = plan;
            this.started = started;
            this.deadline = deadline;
            plan.tasksByAgent().forEach((agent, tasks) -> {
                for (ProbeTask t : tasks) {
                    taskOwners.put(t.taskId(), agent);
                }
            });
            outstanding = taskOwners.size() + plan.selfChecksByAgent().size();
        }

        synchronized int outstanding() {
            return outstanding;
        }

        /** False when the result cannot count in this round: closed, or not a task of this agent. */
        boolean accept(String agentId, ProbeResult result) {
            boolean done;
            synchronized (this) {
                if (closed || !agentId.equals(taskOwners.get(result.taskId()))) {
                    return false;
                }
                if (results.putIfAbsent(result.taskId(), result) != null) {
                    return true;
                }
                done = --outstanding == 0;
            }
            if (done) {
                closeLater(this, true);
            }
            return true;
        }

        void accept(SelfCheckStatus status) {
            boolean done;
            synchronized (this) {
                if (closed || !plan.selfChecksByAgent().containsKey(status.agentId())) {
                    return;
                }
                if (selfChecks.putIfAbsent(status.agentId(), status) != null) {
                    return;
                }
                done = --outstanding == 0;
            }
            if (done) {
                closeLater(this, true);
            }
        }
    }
}
