package io.reachproof.coordinator.store;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.List;

/**
 * A NetworkPolicy set of a cluster that a complete round proved, as the store keeps it for rollback.
 *
 * @param id the set's id (a digest of what its policies say)
 * @param provenAtEpochMillis when the newest round that proved it finished
 * @param policies the objects, as the API server returned them
 */
public record ProvenSet(String cluster, String id, long provenAtEpochMillis, String roundId, String expectation,
        List<NetworkPolicy> policies) {

    public ProvenSet {
        requireNonNull(cluster, "cluster");
        requireNonNull(id, "id");
        requireNonNull(roundId, "roundId");
        requireNonNull(expectation, "expectation");
        policies = List.copyOf(policies);
    }
}
