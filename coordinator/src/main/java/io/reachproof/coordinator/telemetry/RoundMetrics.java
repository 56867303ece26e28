package io.reachproof.coordinator.telemetry;

import static io.reachproof.coordinator.telemetry.ReachproofAttributes.AGENT_STATE;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.DESTINATION_CLOUD;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.DESTINATION_CLUSTER;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.DESTINATION_GROUP;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.EXPECTATION;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.MISMATCH_KIND;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.OUTCOME;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.PORT;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.PROTOCOL;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.ROUND_COMPLETE;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.SOURCE_CLOUD;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.SOURCE_CLUSTER;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.SOURCE_GROUP;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.VERDICT;
import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.reachproof.coordinator.round.RoundListener;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.RoundReport;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records every finished round as metrics. Attributes are aggregates (expectation set, cluster pair,
 * cloud pair, group pair, protocol, port; plus outcome / verdict / kind where the instrument is "by"
 * it), never a pod pair, so cardinality is bounded by the expectation files and the fleet's clusters.
 * The latency histogram, a series per bucket, keeps only expectation, cluster/cloud pair, protocol and
 * outcome.
 *
 * <p>Counters and histograms add each round; the gauges (cells by verdict, open mismatches, coverage,
 * agents by state, last round) report the newest round of each expectation set.
 */
final class RoundMetrics implements RoundListener {

    /** Probe latency buckets, seconds: 100µs .. 5s. */
    static final List<Double> LATENCY_BUCKETS = List.of(
            0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0);
    /** Time-to-enforce buckets, seconds: 1s .. 1h. */
    static final List<Double> ENFORCE_BUCKETS = List.of(
            1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0);

    static final String EXTERNAL = "external";
    static final String UNKNOWN = "unknown";

    private final LongCounter probes;
    private final LongCounter rounds;
    private final DoubleHistogram probeDuration;
    private final DoubleHistogram timeToEnforce;
    private final EnforcementTracker enforcement = new EnforcementTracker();
    private final Map<String, Snapshot> latest = new ConcurrentHashMap<>();
    /** Per expectation set, the attributes of the pairs its newest round had (reused by the next round). */
    private final Map<String, Map<PairKey, PairAttributes>> pairCache = new HashMap<>();
    private volatile RoundReport newest;

    RoundMetrics(Meter meter) {
        requireNonNull(meter, "meter");
        probes = meter.counterBuilder("reachproof.probes")
                .setDescription("Probes whose results decided a cell, by outcome")
                .setUnit("{probe}")
                .build();
        rounds = meter.counterBuilder("reachproof.rounds")
                .setDescription("Finished probe rounds")
                .setUnit("{round}")
                .build();
        probeDuration = meter.histogramBuilder("reachproof.probe.duration")
                .setDescription("Probe latency: first attempt until the outcome")
                .setUnit("s")
                .setExplicitBucketBoundariesAdvice(LATENCY_BUCKETS)
                .build();
        timeToEnforce = meter.histogramBuilder("reachproof.time_to_enforce")
                .setDescription("From a NetworkPolicy change until a round of the set finds no mismatch")
                .setUnit("s")
                .setExplicitBucketBoundariesAdvice(ENFORCE_BUCKETS)
                .build();
        meter.gaugeBuilder("reachproof.cells").ofLongs()
                .setDescription("Cells of the newest round, by observed verdict")
                .setUnit("{cell}")
                .buildWithCallback(m -> latest.values().forEach(s -> s.cells.forEach((a, n) -> m.record(n, a))));
        meter.gaugeBuilder("reachproof.mismatches.open").ofLongs()
                .setDescription("Mismatches in the newest round, by kind")
                .setUnit("{mismatch}")
                .buildWithCallback(m -> latest.values().forEach(s -> s.mismatches.forEach((a, n) -> m.record(n, a))));
        meter.gaugeBuilder("reachproof.coverage")
                .setDescription("Proven cells / all cells of the newest round (inconclusive cells are not proven)")
                .setUnit("1")
                .buildWithCallback(m -> latest.values().forEach(s -> m.record(s.coverage, s.set)));
        meter.gaugeBuilder("reachproof.round.last_finished")
                .setDescription("When the newest round finished (Unix time)")
                .setUnit("s")
                .buildWithCallback(m -> latest.values().forEach(s -> m.record(s.finishedSeconds, s.set)));
        meter.gaugeBuilder("reachproof.agents").ofLongs()
                .setDescription("Agents by state, as the newest round saw them")
                .setUnit("{agent}")
                .buildWithCallback(m -> {
                    RoundReport r = newest;
                    if (r != null) {
                        r.agentsByState().forEach((state, n) -> m.record(n, Attributes.of(AGENT_STATE, state)));
                    }
                });
    }

    @Override
    public synchronized RoundReport onRound(RoundReport report) {
        String expectation = report.expectation();
        Attributes set = Attributes.of(EXPECTATION, expectation);
        rounds.add(1, set.toBuilder().put(ROUND_COMPLETE, report.complete()).build());
        Map<PairKey, PairAttributes> previous = pairCache.getOrDefault(expectation, Map.of());
        Map<PairKey, PairAttributes> pairs = new HashMap<>();
        Map<Attributes, Long> probeCounts = new HashMap<>();
        Map<Attributes, Long> cells = new LinkedHashMap<>();
        Map<Attributes, Long> open = new LinkedHashMap<>();
        for (CellResult c : report.cells()) {
            PairAttributes p = pairs.computeIfAbsent(PairKey.of(c),
                    k -> previous.containsKey(k) ? previous.get(k) : new PairAttributes(expectation, c));
            if (c.outcome() != null) {
                probeCounts.merge(p.probe.get(c.outcome()), 1L, Long::sum);
                probeDuration.record(c.latencyMicros() / 1_000_000.0, p.latency.get(c.outcome()));
            }
            p.cells.forEach((v, a) -> cells.merge(a, v == c.observed() ? 1L : 0L, Long::sum));
            p.mismatches.values().forEach(a -> open.putIfAbsent(a, 0L));
        }
        probeCounts.forEach((a, n) -> probes.add(n, a));
        for (Mismatch m : report.mismatches()) {
            PairAttributes p = pairs.computeIfAbsent(PairKey.of(m.cell()), k -> new PairAttributes(expectation, m.cell()));
            open.merge(p.mismatches.get(m.kind()), 1L, Long::sum);
        }
        pairCache.put(expectation, pairs);
        enforcement.onRound(report).ifPresent(d -> timeToEnforce.record(seconds(d), set));
        latest.put(expectation, new Snapshot(set, Map.copyOf(cells), Map.copyOf(open), report.coverage(),
                report.finishedAtEpochMillis() / 1000.0));
        RoundReport newestSoFar = newest;
        if (newestSoFar == null || report.finishedAtEpochMillis() >= newestSoFar.finishedAtEpochMillis()) {
            newest = report;
        }
        return report;
    }

    @Override
    public String toString() {
        return "RoundMetrics";
    }

    /**
     * The latency histogram's coarser pair: expectation, cluster and cloud pair, protocol. A histogram costs
     * a series per bucket, so it leaves out the group pair and port the counters carry.
     */
    static Attributes clusterPair(String expectation, CellResult c) {
        return Attributes.builder()
                .put(EXPECTATION, expectation)
                .put(SOURCE_CLUSTER, clusterOf(c.from()))
                .put(DESTINATION_CLUSTER, clusterOf(c.to()))
                .put(SOURCE_CLOUD, cloudOf(c.from()))
                .put(DESTINATION_CLOUD, cloudOf(c.to()))
                .put(PROTOCOL, c.protocol().spelling())
                .build();
    }

    /** The pair a cell belongs to, as metric attributes: the cluster pair plus the group pair and port. */
    static Attributes pair(String expectation, CellResult c) {
        return clusterPair(expectation, c).toBuilder()
                .put(SOURCE_GROUP, c.fromGroup())
                .put(DESTINATION_GROUP, c.toGroup())
                .put(PORT, (long) c.port())
                .build();
    }

    private static String clusterOf(EndpointRef e) {
        return label(e, e.cluster());
    }

    private static String cloudOf(EndpointRef e) {
        return label(e, e.cloud());
    }

    /** An end's cluster or cloud: {@value #EXTERNAL} for an external target, {@value #UNKNOWN} for a group with no agent. */
    private static String label(EndpointRef e, String value) {
        if (e.externalTarget()) {
            return EXTERNAL;
        }
        return value == null || value.isEmpty() ? UNKNOWN : value;
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    /** What the gauges report for one expectation set: its newest round, pre-aggregated. */
    private record Snapshot(Attributes set, Map<Attributes, Long> cells, Map<Attributes, Long> mismatches,
            double coverage, double finishedSeconds) {
    }

    /** What makes two cells the same pair for metrics. */
    private record PairKey(String fromGroup, String toGroup, String fromCluster, String toCluster, String fromCloud,
            String toCloud, Protocol protocol, int port) {

        static PairKey of(CellResult c) {
            return new PairKey(c.fromGroup(), c.toGroup(), clusterOf(c.from()), clusterOf(c.to()), cloudOf(c.from()),
                    cloudOf(c.to()), c.protocol(), c.port());
        }
    }

    /** Every attribute set one pair's cells are recorded with, built once per pair, not per cell. */
    private static final class PairAttributes {
        final Map<Outcome, Attributes> probe = new EnumMap<>(Outcome.class);
        final Map<Outcome, Attributes> latency = new EnumMap<>(Outcome.class);
        final Map<ObservedVerdict, Attributes> cells = new EnumMap<>(ObservedVerdict.class);
        final Map<MismatchKind, Attributes> mismatches = new EnumMap<>(MismatchKind.class);

        PairAttributes(String expectation, CellResult c) {
            Attributes pair = pair(expectation, c);
            Attributes clusterPair = clusterPair(expectation, c);
            for (Outcome o : Outcome.values()) {
                probe.put(o, pair.toBuilder().put(OUTCOME, o.spelling()).build());
                latency.put(o, clusterPair.toBuilder().put(OUTCOME, o.spelling()).build());
            }
            for (ObservedVerdict v : ObservedVerdict.values()) {
                cells.put(v, pair.toBuilder().put(VERDICT, v.spelling()).build());
            }
            for (MismatchKind k : MismatchKind.values()) {
                mismatches.put(k, pair.toBuilder().put(MISMATCH_KIND, k.spelling()).build());
            }
        }
    }
}
