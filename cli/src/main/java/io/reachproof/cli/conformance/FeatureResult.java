package io.reachproof.cli.conformance;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A feature's verdict on one cluster, with the evidence: the probes that decided it and one line saying what was seen. */
public record FeatureResult(Feature feature, FeatureStatus status, String evidence, List<CellObservation> cells) {

    public FeatureResult {
        requireNonNull(feature, "feature");
        requireNonNull(status, "status");
        requireNonNull(evidence, "evidence");
        cells = List.copyOf(cells);
    }
}
