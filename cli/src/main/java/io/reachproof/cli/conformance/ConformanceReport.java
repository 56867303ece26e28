package io.reachproof.cli.conformance;

import static java.util.Objects.requireNonNull;

import io.reachproof.cli.dataplane.CniProfile;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The conformance of one cluster: each feature's result, and for a lab cluster the deviations its CNI profile is
 * documented to have, so a reader sees at once whether the cluster deviates exactly as documented.
 */
public record ConformanceReport(Subject subject, List<FeatureResult> features, Set<Feature> documentedDeviations,
        boolean settled, long settleMillis, long durationMillis) {

    /**
     * What the suite ran on: a lab cluster of a CNI profile (and its lag), or a real cluster, from a node and in
     * scratch namespaces.
     */
    public record Subject(String cluster, Optional<CniProfile> profile, Duration lag, Optional<RealCluster> real) {
        public Subject {
            requireNonNull(cluster, "cluster");
            requireNonNull(profile, "profile");
            requireNonNull(lag, "lag");
            requireNonNull(real, "real");
        }

        public static Subject lab(String cluster, CniProfile profile, Duration lag) {
            return new Subject(cluster, Optional.of(profile), lag, Optional.empty());
        }

        public static Subject real(String cluster, String node, String namespacePrefix) {
            return new Subject(cluster, Optional.empty(), Duration.ZERO, Optional.of(new RealCluster(node,
                    namespacePrefix)));
        }
    }

    /** Where in a real cluster the suite ran: the node of its pods, and the prefix of its scratch namespaces. */
    public record RealCluster(String node, String namespacePrefix) {
        public RealCluster {
            requireNonNull(node, "node");
            requireNonNull(namespacePrefix, "namespacePrefix");
        }
    }

    public ConformanceReport {
        requireNonNull(subject, "subject");
        features = List.copyOf(features);
        documentedDeviations = documentedDeviations.isEmpty() ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(documentedDeviations);
    }

    public String cluster() {
        return subject.cluster();
    }

    /** The features that failed. */
    public Set<Feature> failed() {
        Set<Feature> failed = EnumSet.noneOf(Feature.class);
        features.stream().filter(f -> f.status() == FeatureStatus.FAIL).forEach(f -> failed.add(f.feature()));
        return failed;
    }

    /** Whether the failed features are exactly the profile's documented deviations (a lab cluster's). */
    public boolean asDocumented() {
        return failed().equals(documentedDeviations);
    }
}
