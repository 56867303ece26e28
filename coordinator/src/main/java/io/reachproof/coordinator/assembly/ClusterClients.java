package io.reachproof.coordinator.assembly;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.reachproof.coordinator.kube.KubernetesClients;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The coordinator's Kubernetes clients: one per watched cluster, the own cluster's also serving leader election.
 * Connecting gives all of them or, naming the access that failed, none (those already made are closed again).
 */
final class ClusterClients implements AutoCloseable {

    private final KubernetesClient own;
    private final Map<String, KubernetesClient> byCluster;

    private ClusterClients(KubernetesClient own, Map<String, KubernetesClient> byCluster) {
        this.own = own;
        this.byCluster = byCluster;
    }

    /**
     * A client for each watched cluster of {@code settings}, and for the coordinator's own cluster when needed
     * (watched, or leader election). Two clusters reached at one API server are an error: one would pass for
     * the other.
     */
    static ClusterClients connect(KubernetesSettings settings) throws StartFailure {
        Map<String, KubernetesClient> byCluster = new LinkedHashMap<>();
        Map<String, ClusterAccess> byServer = new LinkedHashMap<>();
        KubernetesClient own = null;
        ClusterClients made = new ClusterClients(null, byCluster);
        try {
            if (settings.ownClusterNeeded()) {
                try {
                    own = KubernetesClients.connect(settings.kubeconfig().orElse(null));
                } catch (IllegalArgumentException e) {
                    throw new StartFailure(settings.kubeconfigLabel() + ": " + e.getMessage(), e);
                }
                made = new ClusterClients(own, byCluster);
            }
            for (ClusterAccess c : settings.clusters()) {
                KubernetesClient client;
                if (c.own()) {
                    client = own;
                } else {
                    try {
                        client = KubernetesClients.connect(c.kubeconfig().get(), c.context().orElse(null));
                    } catch (IllegalArgumentException e) {
                        throw new StartFailure(c.label() + ": " + e.getMessage(), e);
                    }
                }
                byCluster.put(c.name(), client);
                ClusterAccess before = byServer.putIfAbsent(String.valueOf(client.getMasterUrl()), c);
                if (before != null) {
                    throw new StartFailure(c.label() + ": " + client.getMasterUrl() + " is the API server of cluster "
                            + before.name() + " already (" + before.label() + ")", null);
                }
            }
            return made;
        } catch (StartFailure | RuntimeException e) {
            made.close();
            throw e;
        }
    }

    /** The client of the coordinator's own cluster (leader election), if it was needed. */
    Optional<KubernetesClient> own() {
        return Optional.ofNullable(own);
    }

    /** The client of each watched cluster, in the order given. */
    Map<String, KubernetesClient> byCluster() {
        return byCluster;
    }

    KubernetesClient of(String cluster) {
        return byCluster.get(cluster);
    }

    @Override
    public void close() {
        byCluster.values().stream().filter(c -> c != own).forEach(KubernetesClient::close);
        if (own != null) {
            own.close();
        }
    }
}
