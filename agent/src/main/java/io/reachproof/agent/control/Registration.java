package io.reachproof.agent.control;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Heartbeat;
import io.reachproof.protocol.RegistrationAck;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's standing with its coordinator: whether (and on which terms) it is registered, and the
 * heartbeats that keep it live, sent on the scheduler at the interval the coordinator asked for. A
 * coordinator that forgot the agent (it restarted) is registered with again; the heartbeats follow the
 * newest registration.
 */
final class Registration {

    private static final Logger LOG = LoggerFactory.getLogger(Registration.class);

    private final AgentIdentity identity;
    private final String coordinator;
    private final ControlChannel channel;
    private final ScheduledExecutorService scheduler;
    private final Supplier<Heartbeat> heartbeat;
    private final CompletableFuture<Void> first = new CompletableFuture<>();
    private volatile RegistrationAck ack;
    private ScheduledFuture<?> heartbeats;

    /**
     * @param coordinator how logs name the coordinator
     * @param heartbeat the heartbeat to send now (the spool's counts change between beats)
     */
    Registration(AgentIdentity identity, String coordinator, ControlChannel channel, ScheduledExecutorService scheduler,
            Supplier<Heartbeat> heartbeat) {
        this.identity = requireNonNull(identity, "identity");
        this.coordinator = requireNonNull(coordinator, "coordinator");
        this.channel = requireNonNull(channel, "channel");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.heartbeat = requireNonNull(heartbeat, "heartbeat");
    }

    /** The coordinator's terms, while registered. */
    Optional<RegistrationAck> ack() {
        return Optional.ofNullable(ack);
    }

    /** Completes when the agent first registered. */
    CompletableFuture<Void> first() {
        return first;
    }

    /** Registers and (re)starts the heartbeats at the interval the coordinator answered with. */
    RegistrationAck register() throws IOException, InterruptedException, CoordinatorRejected {
        RegistrationAck a = channel.register(identity);
        ack = a;
        LOG.info("agent {} registered with {}", identity.agentId(), coordinator);
        first.complete(null);
        scheduleHeartbeats(a.heartbeatIntervalMillis());
        return a;
    }

    /** The coordinator does not know the agent (any more): the next step registers again. */
    void forget() {
        ack = null;
    }

    /** Stops the heartbeats. */
    synchronized void stop() {
        if (heartbeats != null) {
            heartbeats.cancel(true);
        }
    }

    private synchronized void scheduleHeartbeats(long intervalMillis) {
        stop();
        heartbeats = scheduler.scheduleWithFixedDelay(this::beat, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void beat() {
        try {
            channel.heartbeat(heartbeat.get());
        } catch (IOException | CoordinatorRejected e) {
            LOG.debug("agent {}: heartbeat failed", identity.agentId(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
