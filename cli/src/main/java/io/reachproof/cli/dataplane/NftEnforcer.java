package io.reachproof.cli.dataplane;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lab cluster's enforcer, written like a CNI's policy agent: it watches the cluster's NetworkPolicies, Namespaces
 * and Pods (fabric8 informers), renders each node's rules ({@link NftRuleset}) and loads them into the node's network
 * namespace in one nftables transaction, on every change (changes within {@link #DEBOUNCE_MILLIS} are taken together),
 * and only where a node's rules changed. A node with no isolated pod any more has its table removed. A node whose
 * rules cannot be loaded is logged in one line; the other nodes are enforced all the same. The enforcer reads the
 * policies as a CNI of its {@link CniProfile} would; where that profile lags ({@code enforcement-lag}), new pods and
 * pods of changed policies stay open for the lag ({@link EnforcementLag}), and the enforcer looks again when it ends.
 */
public final class NftEnforcer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NftEnforcer.class);
    static final long DEBOUNCE_MILLIS = 50;

    private final String cluster;
    private final CniProfile profile;
    private final EnforcementLag lag;
    private final Function<Pod, Optional<NftRuleset.Attachment>> attachment;
    private final SharedIndexInformer<NetworkPolicy> policies;
    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<Pod> pods;
    private final ScheduledExecutorService worker;
    private final Map<String, String> applied = new HashMap<>();
    private final AtomicLong rulesetsLoaded = new AtomicLong();
    private volatile Instant lastEnforced = Instant.EPOCH;
    /** When rules held back by the lag land; null when none are. */
    private volatile Instant pendingUntil;
    /** A look at the cluster is scheduled and has not begun: a change now is seen by it. */
    private boolean scheduled;

    private NftEnforcer(String cluster, Function<Pod, Optional<NftRuleset.Attachment>> attachment, KubernetesClient client,
            CniProfile profile, Duration lag) {
        this.cluster = cluster;
        this.profile = requireNonNull(profile, "profile");
        this.lag = new EnforcementLag(profile == CniProfile.ENFORCEMENT_LAG ? requireNonNull(lag, "lag") : Duration.ZERO);
        this.attachment = attachment;
        this.worker = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("reachproof-enforcer-" + cluster, true));
        ResourceEventHandler<HasMetadata> changed = new ResourceEventHandler<>() {
            @Override
            public void onAdd(HasMetadata obj) {
                later();
            }

            @Override
            public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
                later();
            }

            @Override
            public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
                later();
            }
        };
        this.namespaces = client.namespaces().inform(cast(changed));
        this.pods = client.pods().inAnyNamespace().inform(cast(changed));
        this.policies = client.network().v1().networkPolicies().inAnyNamespace().inform(cast(changed));
    }

    @SuppressWarnings("unchecked")
    private static <T extends HasMetadata> ResourceEventHandler<T> cast(ResourceEventHandler<HasMetadata> h) {
        return (ResourceEventHandler<T>) (ResourceEventHandler<?>) h;
    }

    /**
     * Starts enforcing the NetworkPolicies of {@code cluster} (its API: {@code client}) on its nodes ({@code attachment}:
     * where each pod is attached) and returns once the first rules are loaded.
     */
    public static NftEnforcer start(KubernetesClient client, String cluster,
            Function<Pod, Optional<NftRuleset.Attachment>> attachment) {
        return start(client, cluster, attachment, CniProfile.REFERENCE, Duration.ZERO);
    }

    /**
     * Starts enforcing as a CNI of {@code profile} does; {@code lag} is how long new pods and changed policies stay
     * open where the profile is {@code enforcement-lag} (ignored otherwise).
     */
    public static NftEnforcer start(KubernetesClient client, String cluster,
            Function<Pod, Optional<NftRuleset.Attachment>> attachment, CniProfile profile, Duration lag) {
        NftEnforcer e = new NftEnforcer(requireNonNull(cluster, "cluster"), requireNonNull(attachment, "attachment"),
                requireNonNull(client, "client"), profile, lag);
        try {
            e.worker.submit(e::enforce).get(30, TimeUnit.SECONDS);
            return e;
        } catch (Exception failed) {
            e.close();
            throw new DataplaneException("the enforcer of cluster " + cluster + " could not start: " + failed);
        }
    }

    /**
     * A change: a look at the cluster follows within {@link #DEBOUNCE_MILLIS}, unless one is scheduled and has not begun
     * (it will see this change); a change during a look gets a look of its own.
     */
    private synchronized void later() {
        if (!scheduled) {
            try {
                worker.schedule(() -> {
                    synchronized (this) {
                        scheduled = false;
                    }
                    enforce();
                }, DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
                scheduled = true;
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // stopping
            }
        }
    }

    /** Renders every node's rules from what the informers hold now and loads what changed. */
    private void enforce() {
        Instant now = Instant.now();
        List<NetworkPolicy> policiesNow = policies.getStore().list();
        List<Pod> podsNow = pods.getStore().list();
        Set<String> open = lag.open(policiesNow, podsNow, now);
        Map<String, String> tables = NftRuleset.render(policiesNow, namespaces.getStore().list(), podsNow, attachment,
                profile, open);
        lag.nextLanding(now).ifPresent(lands -> {
            try {
                worker.schedule(this::enforce, Math.max(1, Duration.between(Instant.now(), lands).toMillis() + 1),
                        TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // stopping
            }
        });
        pendingUntil = lag.nextLanding(now).orElse(null);
        for (String node : new ArrayList<>(applied.keySet())) {
            if (!tables.containsKey(node)) {
                try {
                    load(node, "table inet " + NftRuleset.TABLE + "\ndelete table inet " + NftRuleset.TABLE + "\n");
                } catch (DataplaneException e) {
                    LOG.debug("cluster {}: node {} is gone: {}", cluster, node, e.getMessage());
                }
                applied.remove(node);
            }
        }
        tables.forEach((node, text) -> {
            if (text.equals(applied.get(node))) {
                return;
            }
            try {
                load(node, "table inet " + NftRuleset.TABLE + "\ndelete table inet " + NftRuleset.TABLE + "\n" + text);
                applied.put(node, text);
                rulesetsLoaded.incrementAndGet();
            } catch (DataplaneException e) {
                LOG.warn("cluster {}: cannot load the rules of node {}: {}", cluster, node, e.getMessage());
            }
        });
        lastEnforced = Instant.now();
    }

    private static void load(String netns, String transaction) {
        Shell.in(netns, transaction, "nft", "-f", "-");
    }

    /** The rules loaded now, by node namespace, as {@link NftRuleset#render} gave them. */
    public Map<String, String> applied() {
        try {
            return worker.submit(() -> Map.copyOf(applied)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the enforcer of cluster " + cluster + " does not answer: " + e, e);
        }
    }

    /** Node tables loaded so far (a node's table loaded again after a change counts again). */
    public long rulesetsLoaded() {
        return rulesetsLoaded.get();
    }

    /** When the last look at the cluster's objects finished loading what it changed. */
    public Instant lastEnforced() {
        return lastEnforced;
    }

    public String cluster() {
        return cluster;
    }

    public CniProfile profile() {
        return profile;
    }

    /** When the rules the lag holds back now land, if it holds any back. */
    public Optional<Instant> pendingUntil() {
        return Optional.ofNullable(pendingUntil);
    }

    /** Stops watching; the rules stay (they go with the pods' namespaces). */
    @Override
    public void close() {
        policies.close();
        pods.close();
        namespaces.close();
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
