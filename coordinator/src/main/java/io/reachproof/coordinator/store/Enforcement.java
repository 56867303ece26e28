package io.reachproof.coordinator.store;

import static java.util.Objects.requireNonNull;

/** A policy change ({@code change}: namespace/name@resourceVersion) in {@code cluster} and when a round proved it. */
public record Enforcement(String cluster, String change, String changedAt, String enforcedAt, long millis) {

    public Enforcement {
        requireNonNull(cluster, "cluster");
        requireNonNull(change, "change");
        requireNonNull(changedAt, "changedAt");
        requireNonNull(enforcedAt, "enforcedAt");
    }
}
