package io.reachproof.coordinator.kube;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes part in the election of a {@code coordination.k8s.io/v1} Lease with fabric8's {@link LeaderElector}
 * and reports each change of this replica's leadership ({@code true}: leading, {@code false}: standby).
 * A leader that cannot renew in time gives leadership up and becomes a candidate again. {@link #close()}
 * stops campaigning and, when leading, releases the Lease (fabric8 {@code releaseOnCancel}) so the standby
 * takes over at its next retry instead of after the lease duration.
 */
public final class LeaderElection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String identity;
    private final LeaderElectionSettings settings;
    private final Consumer<Boolean> onLeadership;
    private volatile boolean leading;
    private CompletableFuture<?> running;
    private boolean closed;

    private LeaderElection(KubernetesClient client, String namespace, String identity, LeaderElectionSettings settings,
            Consumer<Boolean> onLeadership) {
        this.client = client;
        this.namespace = namespace;
        this.identity = identity;
        this.settings = settings;
        this.onLeadership = onLeadership;
    }

    /**
     * Starts campaigning as {@code identity} (used when the settings name none) for the Lease of
     * {@code settings} in its namespace (else the client's); {@code onLeadership} hears every change, from
     * fabric8's threads.
     */
    public static LeaderElection start(KubernetesClient client, LeaderElectionSettings settings, String identity,
            Consumer<Boolean> onLeadership) {
        requireNonNull(client, "client");
        requireNonNull(settings, "settings");
        requireNonNull(identity, "identity");
        requireNonNull(onLeadership, "onLeadership");
        String namespace = settings.namespace().orElseGet(client::getNamespace);
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("leaderElection.namespace: the Kubernetes client has no namespace; set one");
        }
        LeaderElection election = new LeaderElection(client, namespace, settings.identity().orElse(identity), settings,
                onLeadership);
        election.campaign();
        LOG.info("campaigning for Lease {}/{} as {}", namespace, settings.name(), election.identity);
        return election;
    }

    private synchronized void campaign() {
        if (closed) {
            return;
        }
        LeaderElector elector = client.leaderElector()
                .withConfig(new LeaderElectionConfigBuilder()
                        .withName(settings.name())
                        .withLock(new LeaseLock(namespace, settings.name(), identity))
                        .withLeaseDuration(settings.leaseDuration())
                        .withRenewDeadline(settings.renewDeadline())
                        .withRetryPeriod(settings.retryPeriod())
                        .withReleaseOnCancel()
                        .withLeaderCallbacks(new LeaderCallbacks(() -> changed(true), () -> changed(false),
                                leader -> LOG.info("Lease {}/{}: leader is now {}", namespace, settings.name(), leader)))
                        .build())
                .build();
        CompletableFuture<?> future = elector.start();
        running = future;
        // fabric8's elector ends once leadership is lost (or acquiring fails): campaign again unless closed
        future.whenComplete((v, failure) -> {
            if (failure != null && !future.isCancelled()) {
                LOG.warn("leader election for Lease {}/{} stopped; campaigning again", namespace, settings.name(), failure);
            }
            changed(false);
            CompletableFuture.delayedExecutor(settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS)
                    .execute(this::campaign);
        });
    }

    private synchronized void changed(boolean nowLeading) {
        if (leading == nowLeading) {
            return;
        }
        leading = nowLeading;
        LOG.info("{} {} Lease {}/{}", identity, nowLeading ? "now leads" : "no longer leads", namespace, settings.name());
        try {
            onLeadership.accept(nowLeading);
        } catch (RuntimeException e) {
            LOG.warn("leadership callback failed ({})", nowLeading ? "leading" : "standby", e);
        }
    }

    /** Whether this replica holds the Lease now. */
    public boolean leading() {
        return leading;
    }

    public String identity() {
        return identity;
    }

    /** The namespace of the Lease. */
    public String namespace() {
        return namespace;
    }

    /** Stops campaigning; a leader releases the Lease and reports the loss of leadership. */
    @Override
    public void close() {
        CompletableFuture<?> last;
        synchronized (this) {
            closed = true;
            last = running;
        }
        if (last != null) {
            last.cancel(true);
        }
        changed(false);
    }
}
