package io.reachproof.agent.control;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Heartbeat;
import io.reachproof.protocol.Plan;
import io.reachproof.protocol.RegistrationAck;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's conversation with its coordinator, one step after the other on the scheduler: register
 * ({@link Registration}, which also heartbeats), deliver the spool ({@link SpoolDelivery}), long-poll the
 * plan, run each new round once ({@link RoundExecutor}), deliver again; then the next step at once.
 *
 * <p>While the coordinator is unreachable the agent keeps probing: each step repeats the last rounds when
 * the plan's cadence has passed, spools the results (bounded, on disk) and tries again after the retry
 * backoff. When the coordinator answers again (it may have restarted and forgotten the agent: the agent
 * registers again) the spool is delivered oldest first. A batch is forgotten only after the coordinator
 * acknowledged it; one that is resent is recognised by its result ids.
 */
public final class ControlLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlLoop.class);

    private final AgentIdentity identity;
    private final ControlSettings settings;
    private final ControlChannel channel;
    private final ResultSpool spool;
    private final ScheduledExecutorService scheduler;
    private final Registration registration;
    private final RoundExecutor rounds;
    private final SpoolDelivery delivery;
    private volatile boolean started;
    private volatile boolean stopped;
    private volatile boolean online;
    private String lastRefusal;

    /**
     * A control loop over HTTP to {@link ControlSettings#coordinator()}, on {@code scheduler} (which it owns),
     * presenting the agent key kept in the spool directory (made there on the first start, see {@link AgentKey}).
     */
    public ControlLoop(AgentIdentity identity, ControlSettings settings, ObjectMapper mapper, TaskRunner runner,
            SelfChecker selfChecker, ScheduledExecutorService scheduler, Clock clock) {
        this(identity, settings, mapper,
                new HttpControlChannel(settings.coordinator(), settings.tokenSource(), identity.cluster(),
                        AgentKey.loadOrCreate(settings.spoolDir()), mapper, settings.requestTimeout(), settings.tls()),
                runner, selfChecker, scheduler, clock);
    }

    /** Workload mode: the destination pods of this node are prepared by {@code value} (before {@link #start()}). */
    public ControlLoop prepareTargetsWith(TargetPreparing value) {
        rounds.prepareTargetsWith(value);
        return this;
    }

    /**
     * @param channel the calls to the coordinator
     * @param scheduler runs the loop's steps and its heartbeats: at least two threads (a step blocks while
     *     it long-polls or probes; heartbeats go on meanwhile), see {@link #newScheduler}. The loop owns it:
     *     {@link #close()} shuts it down
     * @param clock when rounds ran (the offline cadence) and the timestamps of heartbeats and results
     * @throws java.io.UncheckedIOException when the spool directory cannot be opened
     */
    public ControlLoop(AgentIdentity identity, ControlSettings settings, ObjectMapper mapper, ControlChannel channel,
            TaskRunner runner, SelfChecker selfChecker, ScheduledExecutorService scheduler, Clock clock) {
        this.identity = requireNonNull(identity, "identity");
        this.settings = requireNonNull(settings, "settings");
        this.channel = requireNonNull(channel, "channel");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        requireNonNull(clock, "clock");
        this.spool = new ResultSpool(identity.agentId(), settings.spoolDir(), settings.spoolMaxEntries(), mapper);
        this.registration = new Registration(identity, settings.coordinator().toString(), channel, scheduler,
                () -> new Heartbeat(identity.agentId(), spool.waitingResults(), spool.dropped(), clock.millis()));
        this.rounds = new RoundExecutor(identity.agentId(), runner, selfChecker, spool, clock);
        this.delivery = new SpoolDelivery(spool, channel);
    }

    /** A scheduler fit for one control loop: two daemon threads named after the agent. */
    public static ScheduledExecutorService newScheduler(String agentId) {
        return new ScheduledThreadPoolExecutor(2, new DefaultThreadFactory("reachproof-control-" + agentId, true));
    }

    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("control loop already started");
        }
        started = true;
        next(Duration.ZERO);
    }

    /** Completes when the agent first registered with the coordinator. */
    public CompletableFuture<Void> registered() {
        return registration.first();
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
        return delivery.delivered();
    }

    /** Rounds repeated from the last plan while the coordinator was unreachable. */
    public long offlineRepeats() {
        return rounds.offlineRepeats();
    }

    /** One exchange with the coordinator; schedules the next. */
    private void step() {
        if (stopped) {
            return;
        }
        Duration next = Duration.ZERO;
        try {
            RegistrationAck ack = registration.ack().orElse(null);
            if (ack == null) {
                ack = registration.register();
                online = true;
            }
            deliver(ack);
            Optional<Plan> plan = channel.poll(identity.agentId(), rounds.version(), Duration.ofMillis(ack.pollTimeoutMillis()));
            online = true;
            if (plan.isPresent()) {
                rounds.take(plan.get());
            }
            deliver(ack);
        } catch (CoordinatorRejected e) {
            if (e.status() == 404) {
                LOG.info("agent {}: coordinator does not know us ({}); registering again", identity.agentId(), e.getMessage());
                registration.forget();
            } else if (!e.getMessage().equals(lastRefusal)) {
                // a refusal repeats every retry (a wrong token, say): say it once, until it changes
                LOG.warn("agent {}: coordinator refused: {}", identity.agentId(), e.getMessage());
            }
            lastRefusal = e.getMessage();
            online = false;
            next = offline();
        } catch (IOException e) {
            if (online) {
                LOG.warn("agent {}: coordinator {} unreachable ({}); probing on, spooling results",
                        identity.agentId(), settings.coordinator(), e.toString());
            }
            online = false;
            next = offline();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            LOG.warn("agent {}: control loop error", identity.agentId(), e);
            next = offline();
        }
        if (next != null) {
            next(next);
        }
    }

    private void deliver(RegistrationAck ack) throws IOException, InterruptedException, CoordinatorRejected {
        if (delivery.deliverAll(ack.maxBatchResults()) > 0) {
            online = true;
        }
    }

    /** While the coordinator is away: repeats the last rounds when due; the wait before the next try, null to stop. */
    private Duration offline() {
        try {
            rounds.repeatIfDue();
            return settings.retryBackoff();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
            return null;
        }
    }

    private void next(Duration delay) {
        if (stopped) {
            return;
        }
        try {
            scheduler.schedule(this::step, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // the scheduler is shut down: the loop ends
        }
    }

    /** Stops the loop and its heartbeats, interrupting a step under way, and shuts the scheduler down. */
    @Override
    public void close() {
        stopped = true;
        registration.stop();
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
