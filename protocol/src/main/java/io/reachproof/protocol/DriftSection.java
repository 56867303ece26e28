package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sync group's policy drift as it stood when a round closed: the round report's drift section. The policies that
 * drift and how many cells each changes, and the cells that differ per cluster pair, as {@code reachproof drift
 * --format json} counts them; the field-level diff stays at {@code GET /v1/drift}.
 *
 * @param computedAt when the comparison the section shows was made (ISO-8601)
 * @param waitingFor clusters whose policies or pods were not listed yet: the comparison leaves them out
 */
public record DriftSection(String group, String computedAt, List<String> waitingFor, List<Policy> drift,
        List<ClusterPair> clusterPairs) {

    /** One drifted policy: each cluster's state ({@code present|missing|differs|extra|absent}). */
    public record Policy(String namespace, String name, Map<String, String> clusters, long cellsAffected) {
        public Policy {
            requireNonNull(namespace, "namespace");
            requireNonNull(name, "name");
            clusters = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(clusters, "clusters")));
        }
    }

    public record ClusterPair(String a, String b, long cellsDiffering) {
        public ClusterPair {
            requireNonNull(a, "a");
            requireNonNull(b, "b");
        }
    }

    public DriftSection {
        requireNonNull(group, "group");
        requireNonNull(computedAt, "computedAt");
        waitingFor = List.copyOf(requireNonNull(waitingFor, "waitingFor"));
        drift = List.copyOf(requireNonNull(drift, "drift"));
        clusterPairs = List.copyOf(requireNonNull(clusterPairs, "clusterPairs"));
    }
}
