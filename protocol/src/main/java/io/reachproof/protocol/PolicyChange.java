package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

/**
 * A NetworkPolicy change seen by a Kubernetes watch.
 *
 * @param action {@code ADDED}, {@code MODIFIED} or {@code DELETED}
 */
public record PolicyChange(
        String cluster, String namespace, String name, String uid, String resourceVersion, String action,
        long atEpochMillis) {

    public PolicyChange {
        requireNonNull(cluster, "cluster");
        requireNonNull(namespace, "namespace");
        requireNonNull(name, "name");
        requireNonNull(action, "action");
    }

    @Override
    public String toString() {
        return action + " networkpolicy " + namespace + "/" + name + " in " + cluster;
    }
}
