package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** The newest round of one expectation set, aggregated: what {@code GET /v1/matrix} lists. */
public record MatrixEntry(
        String expectation, String roundId, long finishedAtEpochMillis, double coverage, int cells, int mismatches,
        List<PairSummary> groupPairs, List<PairSummary> clusterPairs) {

    public MatrixEntry {
        requireNonNull(expectation, "expectation");
        groupPairs = List.copyOf(requireNonNull(groupPairs, "groupPairs"));
        clusterPairs = List.copyOf(requireNonNull(clusterPairs, "clusterPairs"));
    }

    public static MatrixEntry of(RoundReport r) {
        return new MatrixEntry(r.expectation(), r.roundId(), r.finishedAtEpochMillis(), r.coverage(), r.cells().size(),
                r.mismatches().size(), r.groupPairs(), r.clusterPairs());
    }
}
