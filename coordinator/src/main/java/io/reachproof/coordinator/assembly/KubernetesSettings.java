package io.reachproof.coordinator.assembly;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.drift.DriftMonitor;
import io.reachproof.coordinator.drift.SyncGroup;
import io.reachproof.coordinator.kube.LeaderElectionSettings;
import io.reachproof.coordinator.restore.RollbackScope;
import io.reachproof.coordinator.restore.Rollbacks;
import io.reachproof.coordinator.round.PoliciesInForce;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the coordinator does with Kubernetes: the clusters whose NetworkPolicies it watches (keeping
 * {@code policies} current and recording rollback signals as Events there) and, optionally, Lease leader
 * election in its own cluster.
 *
 * @param kubeconfig the own cluster's kubeconfig (empty: the pod's service account, then ~/.kube/config)
 * @param kubeconfigLabel how error messages name where {@code kubeconfig} was given (e.g. {@code --kubeconfig})
 * @param leaderElectionLabel how error messages name where {@code leaderElection} was given (the config file)
 * @param instance this replica's name: the leader election identity and the Events' reporting instance
 * @param syncGroups watched clusters that must carry the same NetworkPolicies (compared continuously, see
 *     {@link DriftMonitor}); each cluster of a group must be watched
 * @param rollback where rollback acts ({@link Rollbacks}), at most one scope per cluster; each cluster watched
 */
public record KubernetesSettings(
        List<ClusterAccess> clusters,
        PoliciesInForce policies,
        Optional<Path> kubeconfig,
        String kubeconfigLabel,
        Optional<LeaderElectionSettings> leaderElection,
        String leaderElectionLabel,
        String instance,
        List<SyncGroup> syncGroups,
        List<RollbackScope> rollback) {

    public KubernetesSettings {
        clusters = List.copyOf(requireNonNull(clusters, "clusters"));
        requireNonNull(policies, "policies");
        requireNonNull(kubeconfig, "kubeconfig");
        requireNonNull(kubeconfigLabel, "kubeconfigLabel");
        requireNonNull(leaderElection, "leaderElection");
        requireNonNull(leaderElectionLabel, "leaderElectionLabel");
        requireNonNull(instance, "instance");
        Set<String> names = new HashSet<>();
        for (ClusterAccess c : clusters) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("cluster " + c.name() + " is watched twice: " + c.label());
            }
        }
        if (clusters.stream().filter(ClusterAccess::own).count() > 1) {
            throw new IllegalArgumentException("only one watched cluster can be the coordinator's own: " + clusters);
        }
        syncGroups = List.copyOf(requireNonNull(syncGroups, "syncGroups"));
        for (SyncGroup g : syncGroups) {
            for (String cluster : g.clusters()) {
                if (!names.contains(cluster)) {
                    throw new IllegalArgumentException("syncGroups: group " + g.name() + " names cluster " + cluster
                            + ", which is not watched: its policies are compared live, so watch it (--kubernetes "
                            + cluster + "[=KUBECONFIG])");
                }
            }
        }
        rollback = List.copyOf(requireNonNull(rollback, "rollback"));
        Set<String> scoped = new HashSet<>();
        for (RollbackScope s : rollback) {
            if (!names.contains(s.cluster())) {
                throw new IllegalArgumentException("rollback in cluster " + s.cluster() + " (sync group " + s.group()
                        + "): the cluster is not watched, so watch it (--kubernetes " + s.cluster() + "[=KUBECONFIG])");
            }
            if (!scoped.add(s.cluster())) {
                throw new IllegalArgumentException("cluster " + s.cluster() + " has rollback in two sync groups; give it"
                        + " in one (the namespaces it may write in must be one list)");
            }
        }
    }

    /** Without rollback. */
    public KubernetesSettings(List<ClusterAccess> clusters, PoliciesInForce policies, Optional<Path> kubeconfig,
            String kubeconfigLabel, Optional<LeaderElectionSettings> leaderElection, String leaderElectionLabel,
            String instance, List<SyncGroup> syncGroups) {
        this(clusters, policies, kubeconfig, kubeconfigLabel, leaderElection, leaderElectionLabel, instance, syncGroups,
                List.of());
    }

    /** Without sync groups. */
    public KubernetesSettings(List<ClusterAccess> clusters, PoliciesInForce policies, Optional<Path> kubeconfig,
            String kubeconfigLabel, Optional<LeaderElectionSettings> leaderElection, String leaderElectionLabel,
            String instance) {
        this(clusters, policies, kubeconfig, kubeconfigLabel, leaderElection, leaderElectionLabel, instance, List.of());
    }

    /** Whether the coordinator's own cluster is needed: watched, or the place of the election's Lease. */
    public boolean ownClusterNeeded() {
        return leaderElection.isPresent() || clusters.stream().anyMatch(ClusterAccess::own);
    }
}
