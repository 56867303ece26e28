package io.reachproof.coordinator.kube;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.protocol.PolicyChange;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Watches the NetworkPolicies of one cluster (all namespaces) with a fabric8 informer: keeps that cluster's
 * {@link PoliciesInForce} equal to what the informer sees now (what {@code spec.fromPolicies} sets derive
 * their verdicts from), and then hands every change to a callback as a {@link PolicyChange} (the coordinator
 * marks it as the suspect change and runs a round at once, which therefore already uses the changed
 * policies). The policies that exist when the watch has synced are the baseline, not changes; a resync or
 * re-list that brings nothing new is not a change either.
 *
 * <p>Each cluster's watch stands alone (its own client, informer and threads), so one cluster's trouble never
 * reaches another's: an exception while taking an event is logged with the cluster and the policy, and the
 * watch goes on. When the API server goes away later (a network blip, a restart), the informer reconnects and
 * lists again on its own, and the policies in force there stay as last seen meanwhile; the watch logs a WARN
 * once it has not been watching for two checks in a row, and an INFO when it watches again (the re-list then
 * brings what changed meanwhile as changes).
 */
public final class NetworkPolicyWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NetworkPolicyWatch.class);
    /** How often whether the informer still watches is checked. */
    static final Duration CHECK_EVERY = Duration.ofSeconds(5);
    /** Checks in a row without a watch before the API server counts as lost (not one watch restarting). */
    static final int LOST_AFTER_CHECKS = 2;

    private final String cluster;
    private final String server;
    private final SharedIndexInformer<NetworkPolicy> informer;
    private final BiConsumer<Level, String> log;
    private final ScheduledExecutorService monitor;
    private int checksWithoutWatch;
    private boolean lost;

    private NetworkPolicyWatch(String cluster, String server, SharedIndexInformer<NetworkPolicy> informer,
            BiConsumer<Level, String> log) {
        this.cluster = cluster;
        this.server = server;
        this.informer = informer;
        this.log = log;
        this.monitor = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("reachproof-watch-" + cluster, true));
    }

    /**
     * Lists the baseline into {@code policies} (which must watch {@code cluster}), starts the informer and
     * returns once it has synced, the policies then being what the informer holds. A cluster whose policies
     * cannot be listed is the client's KubernetesClientException ({@link KubernetesClients#problem} says what
     * went wrong), and nothing is left running.
     */
    public static NetworkPolicyWatch start(KubernetesClient client, String cluster, Clock clock, PoliciesInForce policies,
            Consumer<PolicyChange> onChange) {
        return start(client, cluster, clock, policies, onChange, CHECK_EVERY,
                (level, message) -> LOG.atLevel(level).log(message));
    }

    /** {@link #start(KubernetesClient, String, Clock, PoliciesInForce, Consumer)} checking and logging as told. */
    static NetworkPolicyWatch start(KubernetesClient client, String cluster, Clock clock, PoliciesInForce policies,
            Consumer<PolicyChange> onChange, Duration checkEvery, BiConsumer<Level, String> log) {
        requireNonNull(client, "client");
        requireNonNull(cluster, "cluster");
        requireNonNull(clock, "clock");
        requireNonNull(policies, "policies");
        requireNonNull(onChange, "onChange");
        requireNonNull(log, "log");
        policies.replace(cluster, client.network().v1().networkPolicies().inAnyNamespace().list().getItems());
        String server = String.valueOf(client.getMasterUrl());
        SharedIndexInformer<NetworkPolicy> informer =
                client.network().v1().networkPolicies().inAnyNamespace().runnableInformer(0);
        informer.addEventHandler(new Handler(cluster, clock, policies, onChange));
        informer.exceptionHandler((started, t) -> {
            if (!started) {
                return false; // start() fails
            }
            log.accept(Level.WARN, "NetworkPolicy watch of cluster " + cluster + " failed at " + server + " ("
                    + describe(t) + "); listing again after a pause");
            return true;
        });
        try {
            informer.run();
        } catch (RuntimeException e) {
            informer.close();
            throw e;
        }
        // a policy deleted between the list and the informer's own list gets no event: take the informer's view
        policies.replace(cluster, informer.getStore().list());
        NetworkPolicyWatch watch = new NetworkPolicyWatch(cluster, server, informer, log);
        long every = checkEvery.toMillis();
        watch.monitor.scheduleWithFixedDelay(watch::check, every, every, TimeUnit.MILLISECONDS);
        LOG.info("watching the NetworkPolicies of cluster {} at {} ({} listed)", cluster, server,
                informer.getStore().list().size());
        return watch;
    }

    /** True once the informer has listed the cluster's policies. */
    public boolean synced() {
        return informer.hasSynced();
    }

    /** True while the informer's watch is open (false while it reconnects to a lost API server). */
    public boolean watching() {
        return informer.isWatching();
    }

    /** Logs when the API server is lost and when it is back; on the monitor thread only. */
    private void check() {
        try {
            if (informer.isWatching()) {
                checksWithoutWatch = 0;
                if (lost) {
                    lost = false;
                    log.accept(Level.INFO, "NetworkPolicy watch of cluster " + cluster + " is back: watching " + server
                            + " again");
                }
            } else if (++checksWithoutWatch == LOST_AFTER_CHECKS) {
                lost = true;
                log.accept(Level.WARN, "NetworkPolicy watch of cluster " + cluster + " lost its API server " + server
                        + ": the client reconnects on its own; until then the policies in force there stay as last seen");
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot check the NetworkPolicy watch of cluster {}", cluster, e);
        }
    }

    private static String describe(Throwable t) {
        if (t instanceof KubernetesClientException k) {
            return KubernetesClients.problem(k);
        }
        if (t.getCause() instanceof KubernetesClientException k) {
            return KubernetesClients.problem(k);
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    @Override
    public void close() {
        monitor.shutdownNow();
        informer.close();
    }

    private static final class Handler implements ResourceEventHandler<NetworkPolicy> {
        private final String cluster;
        private final Clock clock;
        private final PoliciesInForce policies;
        private final Consumer<PolicyChange> onChange;

        Handler(String cluster, Clock clock, PoliciesInForce policies, Consumer<PolicyChange> onChange) {
            this.cluster = cluster;
            this.clock = clock;
            this.policies = policies;
            this.onChange = onChange;
        }

        @Override
        public void onAdd(NetworkPolicy np) {
            // false for the baseline, listed before: the same version is already in force
            take("ADDED", np, () -> policies.put(cluster, np));
        }

        @Override
        public void onUpdate(NetworkPolicy old, NetworkPolicy np) {
            take("MODIFIED", np, () -> policies.put(cluster, np));
        }

        @Override
        public void onDelete(NetworkPolicy np, boolean finalStateUnknown) {
            take("DELETED", np, () -> {
                policies.remove(cluster, np);
                return true;
            });
        }

        /** Applies one event to the policies in force, then emits it when it changed them; never throws. */
        private void take(String action, NetworkPolicy np, BooleanSupplier apply) {
            try {
                if (apply.getAsBoolean()) {
                    emit(action, np);
                }
            } catch (RuntimeException e) {
                LOG.warn("NetworkPolicy watch of cluster {} could not take {} of {}; the watch goes on", cluster, action,
                        np.getMetadata() == null ? "a policy without metadata"
                                : np.getMetadata().getNamespace() + "/" + np.getMetadata().getName(), e);
            }
        }

        /** Called after the policies in force took the change, so the round it triggers sees it. */
        private void emit(String action, NetworkPolicy np) {
            PolicyChange change = new PolicyChange(cluster, np.getMetadata().getNamespace(),
                    np.getMetadata().getName(), np.getMetadata().getUid(), np.getMetadata().getResourceVersion(), action,
                    clock.millis());
            LOG.info("{}", change);
            try {
                onChange.accept(change);
            } catch (RuntimeException e) {
                LOG.warn("policy change callback failed on {}", change, e);
            }
        }
    }
}
