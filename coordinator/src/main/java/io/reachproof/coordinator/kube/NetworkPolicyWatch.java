package io.reachproof.coordinator.kube;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.protocol.PolicyChange;
import java.time.Clock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the NetworkPolicies of one cluster (all namespaces) with a fabric8 informer: keeps that cluster's
 * {@link PoliciesInForce} equal to what the informer sees now (what {@code spec.fromPolicies} sets derive
 * their verdicts from), and then hands every change to a callback as a {@link PolicyChange} (the coordinator
 * marks it as the suspect change and runs a round at once, which therefore already uses the changed
 * policies). The policies that exist when the watch has synced are the baseline, not changes; a resync or
 * re-list that brings nothing new is not a change either.
 */
public final class NetworkPolicyWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NetworkPolicyWatch.class);

    private final SharedIndexInformer<NetworkPolicy> informer;

    private NetworkPolicyWatch(SharedIndexInformer<NetworkPolicy> informer) {
        this.informer = informer;
    }

    /**
     * Lists the baseline into {@code policies} (which must watch {@code cluster}), starts the informer and
     * returns once it has synced, the policies then being what the informer holds.
     */
    public static NetworkPolicyWatch start(KubernetesClient client, String cluster, Clock clock, PoliciesInForce policies,
            Consumer<PolicyChange> onChange) {
        requireNonNull(client, "client");
        requireNonNull(cluster, "cluster");
        requireNonNull(clock, "clock");
        requireNonNull(policies, "policies");
        requireNonNull(onChange, "onChange");
        policies.replace(cluster, client.network().v1().networkPolicies().inAnyNamespace().list().getItems());
        Handler handler = new Handler(cluster, clock, policies, onChange);
        SharedIndexInformer<NetworkPolicy> informer =
                client.network().v1().networkPolicies().inAnyNamespace().inform(handler, 0);
        // a policy deleted between the list and the informer's own list gets no event: take the informer's view
        policies.replace(cluster, informer.getStore().list());
        LOG.info("watching NetworkPolicies of {}: {}", cluster, policies.describe());
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
            if (policies.put(cluster, np)) {
                emit("ADDED", np);
            }
        }

        @Override
        public void onUpdate(NetworkPolicy old, NetworkPolicy np) {
            if (policies.put(cluster, np)) {
                emit("MODIFIED", np);
            }
        }

        @Override
        public void onDelete(NetworkPolicy np, boolean finalStateUnknown) {
            policies.remove(cluster, np);
            emit("DELETED", np);
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
