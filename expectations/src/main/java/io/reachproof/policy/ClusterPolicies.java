package io.reachproof.policy;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * The NetworkPolicies in force in each cluster: NetworkPolicies are per cluster, so the same fleet may be
 * judged against the policies one cluster's API server holds now and against files for the others.
 */
@FunctionalInterface
public interface ClusterPolicies {

    /**
     * The NetworkPolicies in force in {@code cluster} (only their policies count; Pods and Namespaces are
     * ignored: the agents are the topology); empty when they are not known, and then that cluster's agents
     * get no derived cells.
     */
    Optional<PolicyInput> in(String cluster);

    /** The same policies in every cluster (the same YAML applied everywhere). */
    static ClusterPolicies everywhere(PolicyInput policies) {
        requireNonNull(policies, "policies");
        Optional<PolicyInput> same = Optional.of(policies);
        return cluster -> same;
    }

    /** {@code byCluster} where it names the cluster, {@code otherClusters} elsewhere. */
    static ClusterPolicies of(Map<String, PolicyInput> byCluster, Optional<PolicyInput> otherClusters) {
        Map<String, PolicyInput> copy = Map.copyOf(requireNonNull(byCluster, "byCluster"));
        requireNonNull(otherClusters, "otherClusters");
        return cluster -> {
            PolicyInput own = copy.get(cluster);
            return own != null ? Optional.of(own) : otherClusters;
        };
    }
}
