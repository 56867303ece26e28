package io.reachproof.coordinator.assembly;

import io.reachproof.coordinator.rollback.RollbackSignals;
import io.reachproof.coordinator.rollback.RollbackSink;
import io.reachproof.coordinator.rollback.WebhookSink;
import io.reachproof.coordinator.round.RoundHistory;
import io.reachproof.coordinator.signal.SignalTracker;
import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.reachproof.coordinator.api.GateRoute;
import io.reachproof.coordinator.kube.KubernetesEventSink;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts rollback signals into a coordinator before it starts: the signal listener with its sinks and the gate
 * endpoint. One call per coordinator; close it with the coordinator. (The NetworkPolicy watch that names
 * suspect changes, {@link io.reachproof.coordinator.kube.NetworkPolicyWatch}, is started on its own: it also
 * feeds the policies in force.)
 */
public final class RollbackWiring implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RollbackWiring.class);

    private final RollbackSignals signals;
    private final List<RollbackSink> sinks;

    private RollbackWiring(RollbackSignals signals, List<RollbackSink> sinks) {
        this.signals = signals;
        this.sinks = List.copyOf(sinks);
    }

    /**
     * Adds the signal listener (after any telemetry listener already added, so reports carry trace ids; it also
     * keeps every signal in the coordinator's {@link Coordinator#episodes()} for the page) and
     * {@code GET/POST /v1/gate} (guarded by {@code adminToken} when present).
     */
    public static RollbackWiring install(Coordinator coordinator, List<RollbackSink> sinks,
            SignalTracker.Confirmations confirmations, Optional<String> adminToken) {
        return install(coordinator, sinks, confirmations, adminToken, (expectation, decision) -> { }, coordinator.history());
    }

    /**
     * As {@link #install(Coordinator, List, SignalTracker.Confirmations, Optional)}; {@code decided} hears each gate
     * answer, and the gate decides from {@code gateHistory} (the coordinator's, or it and the proof record's).
     */
    public static RollbackWiring install(Coordinator coordinator, List<RollbackSink> sinks,
            SignalTracker.Confirmations confirmations, Optional<String> adminToken,
            java.util.function.BiConsumer<String, io.reachproof.coordinator.gate.GateDecision> decided,
            RoundHistory gateHistory) {
        requireNonNull(coordinator, "coordinator");
        List<RollbackSink> all = new ArrayList<>(sinks);
        all.add(coordinator.episodes()::record);
        RollbackSignals signals = new RollbackSignals(new SignalTracker(confirmations), RollbackSink.composite(all));
        coordinator.addListener(signals);
        new GateRoute(gateHistory, Clock.systemUTC(), adminToken, decided).routes().forEach(coordinator::addRoute);
        LOG.info("rollback signals to {}; gate endpoint {}", sinks, GateRoute.PATH);
        return new RollbackWiring(signals, sinks);
    }

    /** Continues the open episodes a former leader left in the proof record (see {@link RollbackSignals#resume}). */
    public int resume(List<io.reachproof.coordinator.store.ProofRecord.Episode> open) {
        return signals.resume(open);
    }

    /** Waits, at most {@code timeout} in all, until the webhook sinks delivered what they were sent. */
    public boolean drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean idle = true;
        for (RollbackSink sink : sinks) {
            if (sink instanceof WebhookSink webhook) {
                idle &= webhook.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
        }
        return idle;
    }

    /**
     * An Event sink for each cluster of {@code clients} (in their order), each recording in its cluster only the
     * mismatches that belong there, so every mismatch becomes an Event in one cluster at most (see
     * {@link KubernetesEventSink}).
     */
    public static List<RollbackSink> events(Map<String, KubernetesClient> clients, String instance) {
        Set<String> recording = Set.copyOf(clients.keySet());
        List<RollbackSink> sinks = new ArrayList<>();
        clients.forEach((cluster, client) -> sinks.add(KubernetesEventSink.start(cluster, client, instance, recording)));
        return sinks;
    }

    @Override
    public void close() {
        signals.close();
    }
}
