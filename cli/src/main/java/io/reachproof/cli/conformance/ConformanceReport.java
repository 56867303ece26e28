package io.reachproof.cli.conformance;

import static java.util.Objects.requireNonNull;

import io.reachproof.cli.dataplane.CniProfile;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The conformance of one cluster: each feature's result, and for a lab cluster the deviations its CNI profile is
 * documented to have, so a reader sees at once whether the cluster deviates exactly as documented.
 */
public record ConformanceReport(String cluster, CniProfile profile, Duration lag, List<FeatureResult> features,
        Set<Feature> documentedDeviations, boolean settled, long settleMillis, long durationMillis) {

    public ConformanceReport {
        requireNonNull(cluster, "cluster");
        requireNonNull(profile, "profile");
        requireNonNull(lag, "lag");
        features = List.copyOf(features);
        documentedDeviations = documentedDeviations.isEmpty() ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(documentedDeviations);
    }

    /** The features that failed. */
    public Set<Feature> failed() {
        Set<Feature> failed = EnumSet.noneOf(Feature.class);
        features.stream().filter(f -> f.status() == FeatureStatus.FAIL).forEach(f -> failed.add(f.feature()));
        return failed;
    }

    /** Whether the failed features are exactly the profile's documented deviations. */
    public boolean asDocumented() {
        return failed().equals(documentedDeviations);
    }
}
