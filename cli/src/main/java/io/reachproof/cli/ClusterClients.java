package io.reachproof.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.reachproof.coordinator.kube.KubernetesClients;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The coordinator's Kubernetes clients: one per watched cluster ({@code --kubernetes}), the own cluster's also
 * serving leader election. Connecting either gives all of them or, naming the {@code --kubernetes} value that
 * failed, none (those already made are closed again).
 */
final class ClusterClients implements AutoCloseable {

    private final KubernetesClient own;
    private final Map<String, KubernetesClient> byCluster;

    private ClusterClients(KubernetesClient own, Map<String, KubernetesClient> byCluster) {
        this.own = own;
        this.byCluster = byCluster;
    }

    /**
     * A client for each of {@code clusters}, and for the coordinator's own cluster when one of them is the own
     * cluster or {@code ownNeeded} (leader election): {@code kubeconfig} (may be null: the service account, then
     * ~/.kube/config). Two clusters reached at one API server are an error: one would pass for the other.
     */
    static ClusterClients connect(List<WatchedCluster> clusters, Path kubeconfig, boolean ownNeeded) {
        Map<String, KubernetesClient> byCluster = new LinkedHashMap<>();
        Map<String, WatchedCluster> byServer = new LinkedHashMap<>();
        KubernetesClient own = null;
        ClusterClients made = new ClusterClients(null, byCluster);
        try {
            if (ownNeeded || clusters.stream().anyMatch(WatchedCluster::own)) {
                try {
                    own = KubernetesClients.connect(kubeconfig);
                } catch (IllegalArgumentException e) {
                    throw new UserError("--kubeconfig: " + e.getMessage());
                }
                made = new ClusterClients(own, byCluster);
            }
            for (WatchedCluster c : clusters) {
                KubernetesClient client;
                if (c.own()) {
                    client = own;
                } else {
                    try {
                        client = KubernetesClients.connect(c.kubeconfig().get(), c.context().orElse(null));
                    } catch (IllegalArgumentException e) {
                        throw new UserError(c.option() + ": " + e.getMessage());
                    }
                }
                byCluster.put(c.name(), client);
                WatchedCluster before = byServer.putIfAbsent(String.valueOf(client.getMasterUrl()), c);
                if (before != null) {
                    throw new UserError(c.option() + ": " + client.getMasterUrl() + " is the API server of cluster "
                            + before.name() + " already (" + before.option() + ")");
                }
            }
            return made;
        } catch (RuntimeException e) {
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
