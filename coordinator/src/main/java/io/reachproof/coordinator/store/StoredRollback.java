package io.reachproof.coordinator.store;

import static java.util.Objects.requireNonNull;

/**
 * One rollback as the store keeps it: its id, time, cluster and outcome as columns, the whole record as the JSON its
 * owner wrote.
 */
public record StoredRollback(String id, long atEpochMillis, String cluster, String outcome, String json) {

    public StoredRollback {
        requireNonNull(id, "id");
        requireNonNull(cluster, "cluster");
        requireNonNull(outcome, "outcome");
        requireNonNull(json, "json");
    }
}
