package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;
import java.util.Objects;
import java.util.stream.Stream;

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

    /** The newest of {@code changes} (nulls ignored; ties broken by text, so the answer is stable), or null. */
    public static PolicyChange newest(Stream<PolicyChange> changes) {
        return changes.filter(Objects::nonNull)
                .max(Comparator.comparingLong(PolicyChange::atEpochMillis).thenComparing(PolicyChange::toString))
                .orElse(null);
    }

    @Override
    public String toString() {
        return action + " networkpolicy " + namespace + "/" + name + " in " + cluster;
    }
}
