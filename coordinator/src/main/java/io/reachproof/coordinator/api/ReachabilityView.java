package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonValue;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One expectation set's newest round as the page draws it, aggregated so its size grows with groups and clusters,
 * not with agents: the clusters by cloud, one tile per cluster pair, the group matrix over all cluster pairs (each
 * cell counted per port), and the retained rounds as a timeline. Pure: built from reports only.
 *
 * @param tiles one per (source cluster, destination cluster) the round has cells in
 * @param groups the groups in the order the round's cells name them (rows and columns of the matrix)
 * @param matrix the group cells of every cluster pair together; {@link #matrix(RoundReport, String, String)} gives
 *     those of one pair
 * @param timeline the retained rounds, oldest first, this one last
 */
public record ReachabilityView(
        String expectation, String roundId, long startedAtEpochMillis, long finishedAtEpochMillis, boolean complete,
        double coverage, int cells, int holes, int blocked, int inconclusive, String traceId, String suspectChange,
        List<Cluster> clusters, List<Tile> tiles, List<String> groups, List<GroupCell> matrix,
        List<TimelinePoint> timeline) {

    /** How the page names the cluster of an external target (a CIDR or host outside every cluster). */
    public static final String EXTERNAL = "(external)";

    public ReachabilityView {
        requireNonNull(expectation, "expectation");
        requireNonNull(roundId, "roundId");
        clusters = List.copyOf(clusters);
        tiles = List.copyOf(tiles);
        groups = List.copyOf(groups);
        matrix = List.copyOf(matrix);
        timeline = List.copyOf(timeline);
    }

    /** A cluster and the cloud it runs in ({@code unknown} when no agent of it told). */
    public record Cluster(String name, String cloud, String region) {
    }

    /** What a cluster pair's cells prove, worst first. */
    public enum TileState {
        /** At least one HOLE or BLOCKED. */
        MISMATCH,
        /** No mismatch, but some cells proved nothing. */
        INCONCLUSIVE,
        /** Every cell proven as expected. */
        PROVEN,
        /** No cells at all. */
        EMPTY;

        /** {@code mismatch}, {@code inconclusive}, {@code proven}, {@code empty}. */
        @JsonValue
        public String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }

        static TileState of(Counts c) {
            if (c.holes + c.blocked > 0) {
                return MISMATCH;
            }
            if (c.inconclusive > 0) {
                return INCONCLUSIVE;
            }
            return c.allow + c.deny > 0 ? PROVEN : EMPTY;
        }
    }

    /** The cells of one cluster pair, counted by observed verdict and mismatch kind. */
    public record Tile(String from, String to, TileState state, int allow, int deny, int inconclusive, int holes,
            int blocked) {
    }

    /** One cell of the group matrix: a source and a destination group, counted per port. */
    public record GroupCell(String from, String to, List<PortCell> ports) {
        public GroupCell {
            ports = List.copyOf(ports);
        }
    }

    /**
     * One port of a group cell over its cluster and agent pairs: how many cells expected allow and deny, and what
     * was observed.
     */
    public record PortCell(int port, String protocol, int expectedAllow, int expectedDeny, int allow, int deny,
            int inconclusive, int holes, int blocked) {
    }

    /**
     * One retained round.
     *
     * @param timeToEnforceMillis for a round that proved a policy change enforced (see
     *     {@link RoundReport#provesEnforced}): the time from the change until this round finished; null otherwise
     */
    public record TimelinePoint(String roundId, long finishedAtEpochMillis, boolean complete, double coverage, int cells,
            int holes, int blocked, int inconclusive, Long timeToEnforceMillis) {
    }

    /**
     * The view of {@code report}, with {@code retained} (newest first, as {@code RoundHistory} keeps them; a report
     * of the same round id is left out) as the timeline before it.
     */
    public static ReachabilityView of(RoundReport report, List<RoundReport> retained) {
        requireNonNull(report, "report");
        Counts total = new Counts();
        Map<String, Cluster> clusters = new LinkedHashMap<>();
        Map<String, Counts> tiles = new LinkedHashMap<>();
        Map<String, Boolean> groups = new LinkedHashMap<>();
        for (CellResult c : report.cells()) {
            total.add(c);
            cluster(clusters, c.from());
            cluster(clusters, c.to());
            tiles.computeIfAbsent(clusterOf(c.from()) + "\n" + clusterOf(c.to()), k -> new Counts()).add(c);
            groups.put(c.fromGroup(), true);
            groups.put(c.toGroup(), true);
        }
        List<Tile> tileList = new ArrayList<>();
        tiles.forEach((key, c) -> {
            String[] pair = key.split("\n", 2);
            tileList.add(new Tile(pair[0], pair[1], TileState.of(c), c.allow, c.deny, c.inconclusive, c.holes, c.blocked));
        });
        tileList.sort((a, b) -> (a.from() + "\n" + a.to()).compareTo(b.from() + "\n" + b.to()));
        PolicyChange suspect = report.suspectChange();
        return new ReachabilityView(report.expectation(), report.roundId(), report.startedAtEpochMillis(),
                report.finishedAtEpochMillis(), report.complete(), report.coverage(), report.cells().size(), total.holes,
                total.blocked, total.inconclusive, report.traceId(), suspect == null ? null : suspect.toString(),
                new ArrayList<>(clusters.values()), tileList, new ArrayList<>(groups.keySet()), matrix(report, null, null),
                timeline(report, retained));
    }

    /**
     * The group matrix of {@code report}'s cells from cluster {@code fromCluster} to {@code toCluster} (null: any),
     * in the order the cells come.
     */
    public static List<GroupCell> matrix(RoundReport report, String fromCluster, String toCluster) {
        Map<String, Map<String, Counts>> byGroupPair = new LinkedHashMap<>();
        for (CellResult c : report.cells()) {
            if ((fromCluster == null || fromCluster.equals(clusterOf(c.from())))
                    && (toCluster == null || toCluster.equals(clusterOf(c.to())))) {
                byGroupPair.computeIfAbsent(c.fromGroup() + "\n" + c.toGroup(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(c.port() + "/" + c.protocol().spelling(), k -> new Counts()).add(c);
            }
        }
        List<GroupCell> cells = new ArrayList<>();
        byGroupPair.forEach((key, ports) -> {
            String[] pair = key.split("\n", 2);
            List<PortCell> portCells = new ArrayList<>();
            ports.forEach((port, c) -> {
                String[] p = port.split("/", 2);
                portCells.add(new PortCell(Integer.parseInt(p[0]), p[1], c.expectedAllow, c.expectedDeny, c.allow, c.deny,
                        c.inconclusive, c.holes, c.blocked));
            });
            cells.add(new GroupCell(pair[0], pair[1], portCells));
        });
        return cells;
    }

    /** The cluster a cell's end is in: its cluster, or {@value #EXTERNAL} for an external target. */
    public static String clusterOf(EndpointRef end) {
        return end.cluster() != null ? end.cluster() : EXTERNAL;
    }

    private static void cluster(Map<String, Cluster> clusters, EndpointRef end) {
        String name = clusterOf(end);
        Cluster known = clusters.get(name);
        if (known == null || known.cloud().equals("unknown") && end.cloud() != null) {
            String cloud = end.cloud() != null ? end.cloud() : name.equals(EXTERNAL) ? "external" : "unknown";
            clusters.put(name, new Cluster(name, cloud, end.region()));
        }
    }

    private static List<TimelinePoint> timeline(RoundReport report, List<RoundReport> retained) {
        List<RoundReport> oldestFirst = new ArrayList<>();
        for (RoundReport r : retained) {
            if (!r.roundId().equals(report.roundId())) {
                oldestFirst.add(0, r);
            }
        }
        oldestFirst.add(report);
        List<TimelinePoint> points = new ArrayList<>();
        PolicyChange pending = null;
        for (RoundReport r : oldestFirst) {
            Long enforced = null;
            if (pending != null && r.provesEnforced(pending)) {
                enforced = r.finishedAtEpochMillis() - pending.atEpochMillis();
                pending = null;
            }
            if (r.suspectChange() != null) {
                pending = r.suspectChange();
            }
            Counts c = new Counts();
            r.cells().forEach(c::add);
            points.add(new TimelinePoint(r.roundId(), r.finishedAtEpochMillis(), r.complete(), r.coverage(),
                    r.cells().size(), c.holes, c.blocked, c.inconclusive, enforced));
        }
        return points;
    }

    /** Counts of cells; mutable, only while a view is built. */
    private static final class Counts {
        int expectedAllow;
        int expectedDeny;
        int allow;
        int deny;
        int inconclusive;
        int holes;
        int blocked;

        void add(CellResult c) {
            if (c.expected() == Verdict.ALLOW) {
                expectedAllow++;
            } else {
                expectedDeny++;
            }
            if (c.observed() == ObservedVerdict.ALLOW) {
                allow++;
            } else if (c.observed() == ObservedVerdict.DENY) {
                deny++;
            } else {
                inconclusive++;
            }
            MismatchKind kind = MismatchKind.of(c.expected(), c.observed());
            if (kind == MismatchKind.HOLE) {
                holes++;
            } else if (kind == MismatchKind.BLOCKED) {
                blocked++;
            }
        }
    }
}
