package io.reachproof.coordinator.drift;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.policy.Located;
import java.util.List;
import java.util.Optional;

/**
 * Clusters that must carry the same NetworkPolicies in {@code namespaces} (all namespaces when empty), optionally
 * as {@code source} says (policy files read at start; {@code sourceLabel} names them in reports).
 */
public record SyncGroup(String name, List<String> clusters, List<String> namespaces,
        Optional<List<Located<NetworkPolicy>>> source, String sourceLabel) {

    public SyncGroup {
        requireNonNull(name, "name");
        clusters = List.copyOf(clusters);
        namespaces = List.copyOf(namespaces);
        requireNonNull(source, "source");
        requireNonNull(sourceLabel, "sourceLabel");
        if (clusters.size() < 2 && source.isEmpty()) {
            throw new IllegalArgumentException("sync group " + name + " compares nothing: it needs two clusters, or a source");
        }
    }

    /** Whether {@code namespace} is one this group keeps in sync. */
    public boolean covers(String namespace) {
        return namespaces.isEmpty() || namespaces.contains(namespace);
    }
}
