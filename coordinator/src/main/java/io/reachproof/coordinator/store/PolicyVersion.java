package io.reachproof.coordinator.store;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One version of a NetworkPolicy in one cluster.
 *
 * @param contentHash SHA-256 (hex) of the policy's spec as the coordinator reads it
 * @param manager the last field manager named by {@code managedFields} (who changed it), if any
 * @param seenBy the coordinator instance that saw it
 */
public record PolicyVersion(String cluster, String namespace, String name, String contentHash,
        Optional<String> resourceVersion, Optional<String> manager, String seenAt, String seenBy, String yaml) {

    public PolicyVersion {
        requireNonNull(cluster, "cluster");
        requireNonNull(namespace, "namespace");
        requireNonNull(name, "name");
        requireNonNull(contentHash, "contentHash");
        requireNonNull(resourceVersion, "resourceVersion");
        requireNonNull(manager, "manager");
        requireNonNull(seenAt, "seenAt");
        requireNonNull(seenBy, "seenBy");
        requireNonNull(yaml, "yaml");
    }
}
