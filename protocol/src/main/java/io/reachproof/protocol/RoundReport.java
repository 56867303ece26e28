package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * Everything one round of one expectation set proved.
 *
 * @param complete true when the round planned cells, every planned cell has an observed verdict (allow,
 *     deny or inconclusive) and the round was not cut short; a round that planned no cells (no agent in any
 *     group) is never complete
 * @param traceId the OpenTelemetry trace id of the round span (hex), or null when tracing is off
 * @param coverage proven cells / all cells, 0..1 (inconclusive cells are not proven)
 * @param agentsByState e.g. {@code {"live": 8, "lost": 1}}
 * @param suspectChange the most recent policy change not yet proven enforced, or null
 * @param drift each sync group's policy drift when the round closed (empty without sync groups)
 */
public record RoundReport(
        String roundId,
        String expectation,
        long startedAtEpochMillis,
        long finishedAtEpochMillis,
        boolean complete,
        String traceId,
        List<CellResult> cells,
        List<Mismatch> mismatches,
        double coverage,
        List<PairSummary> groupPairs,
        List<PairSummary> clusterPairs,
        Map<String, Integer> agentsByState,
        PolicyChange suspectChange,
        List<DriftSection> drift) {

    public RoundReport {
        requireNonNull(roundId, "roundId");
        requireNonNull(expectation, "expectation");
        cells = List.copyOf(requireNonNull(cells, "cells"));
        mismatches = List.copyOf(requireNonNull(mismatches, "mismatches"));
        groupPairs = List.copyOf(requireNonNull(groupPairs, "groupPairs"));
        clusterPairs = List.copyOf(requireNonNull(clusterPairs, "clusterPairs"));
        agentsByState = Map.copyOf(requireNonNull(agentsByState, "agentsByState"));
        drift = drift == null ? List.of() : List.copyOf(drift);
    }

    /** A report without a drift section. */
    public RoundReport(String roundId, String expectation, long startedAtEpochMillis, long finishedAtEpochMillis,
            boolean complete, String traceId, List<CellResult> cells, List<Mismatch> mismatches, double coverage,
            List<PairSummary> groupPairs, List<PairSummary> clusterPairs, Map<String, Integer> agentsByState,
            PolicyChange suspectChange) {
        this(roundId, expectation, startedAtEpochMillis, finishedAtEpochMillis, complete, traceId, cells, mismatches,
                coverage, groupPairs, clusterPairs, agentsByState, suspectChange, List.of());
    }

    /**
     * Whether this round proves that the observed matrix matches the expected one after {@code change}: it
     * started at or after the change, closed complete, proved every cell of a non-empty plan (coverage 1)
     * and found no mismatch. A round that proves nothing (no cells, inconclusive cells) proves no enforcement.
     */
    public boolean provesEnforced(PolicyChange change) {
        requireNonNull(change, "change");
        return startedAtEpochMillis >= change.atEpochMillis() && complete && !cells.isEmpty() && coverage >= 1.0
                && mismatches.isEmpty();
    }

    /** A copy carrying the trace id of the round span. */
    public RoundReport withTraceId(String id) {
        return new RoundReport(roundId, expectation, startedAtEpochMillis, finishedAtEpochMillis, complete, id,
                cells, mismatches, coverage, groupPairs, clusterPairs, agentsByState, suspectChange, drift);
    }

    /** A copy carrying {@code sections} as its drift section. */
    public RoundReport withDrift(List<DriftSection> sections) {
        return new RoundReport(roundId, expectation, startedAtEpochMillis, finishedAtEpochMillis, complete, traceId,
                cells, mismatches, coverage, groupPairs, clusterPairs, agentsByState, suspectChange, sections);
    }
}
