package io.reachproof.agent.control;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.BatchAck;
import io.reachproof.protocol.Heartbeat;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.Plan;
import io.reachproof.protocol.PlanRound;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.RegistrationAck;
import io.reachproof.protocol.Responder;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.SelfCheckStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's conversation with its coordinator: register, heartbeat, long-poll the plan, run each new
 * round once (probes + a self-check of its own responders), spool the results and deliver them in order.
 *
 * <p>While the coordinator is unreachable the agent keeps probing: it repeats its last rounds at the
 * plan's cadence and spools the results (bounded, on disk); when the coordinator answers again (it may
 * have restarted and forgotten the agent: the agent registers again) the spool is delivered oldest first.
 * A batch is forgotten only after the coordinator acknowledged it; one that is resent is recognised by its
 * result ids.
 */
public final class ControlLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlLoop.class);
    private static final int MAX_EXECUTED_ROUNDS = 256;

    private final AgentIdentity identity;
    private final ControlSettings settings;
    private final CoordinatorClient client;
    private final TaskRunner runner;
    private final SelfChecker selfChecker;
    private final ResultSpool spool;
    private final Clock clock;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Set<String> executedRounds = new LinkedHashSet<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong offlineRepeats = new AtomicLong();
    private final Object deliveryLock = new Object();
    private final CompletableFuture<Void> registered = new CompletableFuture<>();
    private Thread thread;
    private ScheduledExecutorService heartbeatTimer;
    private volatile boolean online;
    private String lastRefusal;
    private volatile RegistrationAck ack;
    private long version = -1;
    private List<PlanRound> lastRounds = List.of();
    private long repeatEveryMillis = 10_000;
    private long lastRunMillis;

    public ControlLoop(AgentIdentity identity, ControlSettings settings, ObjectMapper mapper, TaskRunner runner,
            SelfChecker selfChecker, Clock clock) {
        this.identity = requireNonNull(identity, "identity");
        this.settings = requireNonNull(settings, "settings");
        this.runner = requireNonNull(runner, "runner");
        this.selfChecker = requireNonNull(selfChecker, "selfChecker");
        this.clock = requireNonNull(clock, "clock");
        this.client = new CoordinatorClient(settings.coordinator(), settings.token(), mapper, settings.requestTimeout());
        this.spool = new ResultSpool(settings.spoolDir(), settings.spoolMaxEntries(), mapper);
    }

    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("control loop already started");
        }
        thread = new Thread(this::loop, "reachproof-control-" + identity.agentId());
        thread.setDaemon(true);
        thread.start();
    }

    /** Completes when the agent first registered with the coordinator. */
    public CompletableFuture<Void> registered() {
        return registered;
    }

    /** Whether the last exchange with the coordinator succeeded. */
    public boolean online() {
        return online;
    }

    public ResultSpool spool() {
        return spool;
    }

    /** Results the coordinator acknowledged (accepted or recognised as already delivered). */
    public long deliveredResults() {
        return delivered.get();
    }

    /** Rounds repeated from the last plan while the coordinator was unreachable. */
    public long offlineRepeats() {
        return offlineRepeats.get();
    }

    private void loop() {
        while (stopped.getCount() > 0) {
            try {
                if (ack == null) {
                    register();
                }
                deliver();
                Optional<Plan> plan = client.poll(identity.agentId(), version, Duration.ofMillis(ack.pollTimeoutMillis()));
                online = true;
                if (plan.isPresent()) {
                    take(plan.get());
                }
                deliver();
            } catch (CoordinatorRejected e) {
                if (e.status() == 404) {
                    LOG.info("agent {}: coordinator does not know us ({}); registering again", identity.agentId(), e.getMessage());
                    ack = null;
                } else if (!e.getMessage().equals(lastRefusal)) {
                    // a refusal repeats every retry (a wrong token, say): say it once, until it changes
                    LOG.warn("agent {}: coordinator refused: {}", identity.agentId(), e.getMessage());
                }
                lastRefusal = e.getMessage();
                online = false;
                offline();
            } catch (IOException e) {
                if (online) {
                    LOG.warn("agent {}: coordinator {} unreachable ({}); probing on, spooling results",
                            identity.agentId(), settings.coordinator(), e.toString());
                }
                online = false;
                offline();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("agent {}: control loop error", identity.agentId(), e);
                offline();
            }
        }
    }

    private void register() throws IOException, InterruptedException, CoordinatorRejected {
        RegistrationAck a = client.register(identity);
        ack = a;
        online = true;
        LOG.info("agent {} registered with {}", identity.agentId(), settings.coordinator());
        registered.complete(null);
        scheduleHeartbeats(a.heartbeatIntervalMillis());
    }

    private synchronized void scheduleHeartbeats(long intervalMillis) {
        if (heartbeatTimer != null) {
            heartbeatTimer.shutdownNow();
        }
        heartbeatTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reachproof-heartbeat-" + identity.agentId());
            t.setDaemon(true);
            return t;
        });
        heartbeatTimer.scheduleWithFixedDelay(this::heartbeat, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void heartbeat() {
        try {
            client.heartbeat(new Heartbeat(identity.agentId(), spool.waitingResults(), spool.dropped(), clock.millis()));
        } catch (IOException | CoordinatorRejected e) {
            LOG.debug("agent {}: heartbeat failed", identity.agentId(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs the rounds of a new plan this agent has not run yet. */
    private void take(Plan plan) throws InterruptedException {
        version = plan.version();
        repeatEveryMillis = plan.repeatEveryMillis();
        List<PlanRound> fresh = new ArrayList<>();
        for (PlanRound round : plan.rounds()) {
            if (!executedRounds.contains(round.roundId())) {
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

    /** While the coordinator is away: repeat the last rounds at the plan's cadence, then wait a little. */
    private void offline() {
        try {
            if (!lastRounds.isEmpty() && clock.millis() - lastRunMillis >= repeatEveryMillis) {
                offlineRepeats.incrementAndGet();
                run(lastRounds);
            }
            stopped.await(settings.retryBackoff().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.countDown();
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
            } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                failed = toCheck;
                detail = "self-check did not finish: " + e;
            }
            for (PlanRound round : rounds) {
                if (!round.selfCheck().isEmpty()) {
                    List<Responder> mine = round.selfCheck().stream().filter(failed::contains).toList();
                    checks.add(new SelfCheckStatus(identity.agentId(), round.roundId(), mine,
                            mine.isEmpty() ? "" : (detail.isEmpty() ? "responders failed: " + mine : detail), clock.millis()));
                }
            }
        }
        int lost = spool.append(new ResultBatch(identity.agentId(), results, checks));
        if (lost > 0) {
            LOG.warn("agent {}: spool full, {} entries dropped", identity.agentId(), lost);
        }
    }

    private ProbeResult await(CompletableFuture<ProbeResult> probe, ProbeTask task, String roundId, long waitMillis)
            throws InterruptedException {
        try {
            return probe.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            return new ProbeResult(UUID.randomUUID().toString(), task.taskId(), identity.agentId(), roundId, Outcome.ERROR,
                    0, 0, null, "prober gave no result: " + e, clock.millis());
        }
    }

    /** Delivers the spool oldest first until it is empty or the coordinator stops answering. */
    private void deliver() throws IOException, InterruptedException, CoordinatorRejected {
        synchronized (deliveryLock) {
            int max = ack == null ? 1000 : ack.maxBatchResults();
            Optional<ResultSpool.Segment> next;
            while ((next = spool.oldest()).isPresent()) {
                ResultSpool.Segment segment = next.get();
                for (ResultBatch part : split(segment.batch(), max)) {
                    BatchAck a = client.deliver(part);
                    delivered.addAndGet(a.accepted() + a.duplicates());
                }
                spool.remove(segment);
                online = true;
            }
        }
    }

    private static List<ResultBatch> split(ResultBatch batch, int max) {
        if (batch.results().size() + batch.selfChecks().size() <= max) {
            return List.of(batch);
        }
        List<ResultBatch> parts = new ArrayList<>();
        List<ProbeResult> results = batch.results();
        for (int i = 0; i < results.size(); i += max) {
            parts.add(new ResultBatch(batch.agentId(), results.subList(i, Math.min(results.size(), i + max)), List.of()));
        }
        if (!batch.selfChecks().isEmpty()) {
            parts.add(new ResultBatch(batch.agentId(), List.of(), batch.selfChecks()));
        }
        return parts;
    }

    @Override
    public void close() {
        stopped.countDown();
        Thread t;
        synchronized (this) {
            t = thread;
            if (heartbeatTimer != null) {
                heartbeatTimer.shutdownNow();
            }
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
