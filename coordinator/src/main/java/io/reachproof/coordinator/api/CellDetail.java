package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.signal.Episodes;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.RoundReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * What the page shows for one cell of the group matrix: the round's probed agent pairs of a source and a
 * destination group (in one cluster pair, or all), each with its outcome, latency and the rule or policy that set
 * its expected verdict, mismatches first; the suspect change and the round's trace id. At most {@link #MAX_PAIRS}
 * pairs travel; {@code total} says how many there were. {@code episodes}: the signal episodes (newest first, opened,
 * changed or resolved) whose mismatch set has a cell of these groups and clusters, with those cells.
 */
public record CellDetail(String expectation, String roundId, String from, String to, String fromCluster,
        String toCluster, String traceId, String suspectChange, int total, List<CellResult> pairs,
        List<Episodes.Episode> episodes) {

    /** The most pairs one detail carries. */
    public static final int MAX_PAIRS = 200;

    public CellDetail {
        requireNonNull(expectation, "expectation");
        requireNonNull(roundId, "roundId");
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        pairs = List.copyOf(pairs);
        episodes = List.copyOf(episodes);
    }

    /**
     * The detail of group {@code from} to group {@code to} in {@code report}, with the episodes of {@code episodes}
     * that concern it; a null cluster means any.
     */
    public static CellDetail of(RoundReport report, String from, String to, String fromCluster, String toCluster,
            Episodes episodes) {
        Predicate<CellResult> concerns = c -> c.fromGroup().equals(from) && c.toGroup().equals(to)
                && (fromCluster == null || fromCluster.equals(ReachabilityView.clusterOf(c.from())))
                && (toCluster == null || toCluster.equals(ReachabilityView.clusterOf(c.to())));
        List<CellResult> matching = new ArrayList<>(report.cells().stream().filter(concerns).toList());
        matching.sort(Comparator.comparing((CellResult c) -> !Mismatch.isMismatch(c))
                .thenComparing(c -> c.observed() != ObservedVerdict.INCONCLUSIVE)
                .thenComparingInt(CellResult::port));
        return new CellDetail(report.expectation(), report.roundId(), from, to, fromCluster, toCluster, report.traceId(),
                report.suspectChange() == null ? null : report.suspectChange().toString(), matching.size(),
                matching.subList(0, Math.min(MAX_PAIRS, matching.size())),
                episodes.touching(report.expectation(), concerns));
    }
}
