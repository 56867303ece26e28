package io.reachproof.coordinator.kube;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.reachproof.protocol.PolicyChange;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the NetworkPolicies of one cluster (all namespaces) with a fabric8 informer and hands every
 * change to a callback as a {@link PolicyChange} (the coordinator marks it as the suspect change and runs
 * a round at once). The policies that exist when the watch starts are the baseline, not changes; a
 * resync or re-list that brings nothing new is not a change either.
 */
public final class NetworkPolicyWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NetworkPolicyWatch.class);

    private final SharedIndexInformer<NetworkPolicy> informer;

    private NetworkPolicyWatch(SharedIndexInformer<NetworkPolicy> informer) {
        this.informer = informer;
    }

    /** Lists the baseline, starts the informer and returns once it has synced. */
    public static NetworkPolicyWatch start(KubernetesClient client, String cluster, Clock clock,
            Consumer<PolicyChange> onChange) {
        requireNonNull(client, "client");
        requireNonNull(cluster, "cluster");
        requireNonNull(clock, "clock");
        requireNonNull(onChange, "onChange");
        Map<String, String> baseline = new ConcurrentHashMap<>();
        client.network().v1().networkPolicies().inAnyNamespace().list().getItems()
                .forEach(np -> baseline.put(np.getMetadata().getUid(), np.getMetadata().getResourceVersion()));
        Handler handler = new Handler(cluster, clock, onChange, baseline);
        SharedIndexInformer<NetworkPolicy> informer =
                client.network().v1().networkPolicies().inAnyNamespace().inform(handler, 0);
        LOG.info("watching NetworkPolicies of {} ({} at start)", cluster, baseline.size());
        return new NetworkPolicyWatch(informer);
    }

    /** True once the informer has listed the cluster's policies. */
    public boolean synced() {
        return informer.hasSynced();
    }

    @Override
    public void close() {
        informer.close();
    }

    private static final class Handler implements ResourceEventHandler<NetworkPolicy> {
        private final String cluster;
        private final Clock clock;
        private final Consumer<PolicyChange> onChange;
        private final Map<String, String> baseline;

        Handler(String cluster, Clock clock, Consumer<PolicyChange> onChange, Map<String, String> baseline) {
            this.cluster = cluster;
            this.clock = clock;
            this.onChange = onChange;
            this.baseline = baseline;
        }

        @Override
        public void onAdd(NetworkPolicy np) {
            String known = baseline.remove(np.getMetadata().getUid());
            if (known != null && known.equals(np.getMetadata().getResourceVersion())) {
                return;
            }
            emit("ADDED", np);
        }

        @Override
        public void onUpdate(NetworkPolicy old, NetworkPolicy np) {
            if (Objects.equals(old.getMetadata().getResourceVersion(), np.getMetadata().getResourceVersion())) {
                return;
            }
            emit("MODIFIED", np);
        }

        @Override
        public void onDelete(NetworkPolicy np, boolean finalStateUnknown) {
            baseline.remove(np.getMetadata().getUid());
            emit("DELETED", np);
        }

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
