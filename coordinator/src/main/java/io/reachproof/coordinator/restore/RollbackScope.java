package io.reachproof.coordinator.restore;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Where rollback may act: the NetworkPolicies of {@code namespaces} in {@code cluster} (the sync group's namespaces,
 * never others), in {@code mode}.
 */
public record RollbackScope(String group, String cluster, RollbackMode mode, List<String> namespaces) {

    public RollbackScope {
        requireNonNull(group, "group");
        requireNonNull(cluster, "cluster");
        requireNonNull(mode, "mode");
        namespaces = List.copyOf(namespaces);
        if (namespaces.isEmpty()) {
            throw new IllegalArgumentException("rollback in cluster " + cluster + " needs the namespaces it may write in");
        }
    }

    /** Whether {@code namespace} is one rollback may write in. */
    public boolean covers(String namespace) {
        return namespaces.contains(namespace);
    }
}
