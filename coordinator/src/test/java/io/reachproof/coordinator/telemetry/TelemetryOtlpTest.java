package io.reachproof.coordinator.telemetry;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.RoundReport;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the real OTLP exporter sends for finished rounds, decoded from protobuf by a receiver on loopback. */
class TelemetryOtlpTest {

    private static final long T0 = 1_790_000_000_000L;

    private OtlpReceiver receiver;
    private Telemetry telemetry;

    @BeforeEach
    void start() throws Exception {
        receiver = new OtlpReceiver();
        telemetry = Telemetry.builder()
                .properties(Map.of("otel.exporter.otlp.endpoint", receiver.endpoint(),
                        "otel.metric.export.interval", "3600000"))
                .serviceVersion("9.9.9-test")
                .build();
    }

    @AfterEach
    void stop() {
        telemetry.close();
        receiver.close();
    }

    @Test
    void endpointAloneEnablesTracesAndMetricsOverHttpProtobuf() {
        assertThat(telemetry.tracesExported()).isTrue();
        assertThat(telemetry.metricsExported()).isTrue();
    }

    @Test
    void roundBecomesARootSpanWithCountsAndTheReportCarriesItsTraceId() {
        PolicyChange change = LabReports.change("allow-frontend", T0 - 5_000);
        RoundReport report = LabReports.round("r-1", T0, true, change);

        RoundReport enriched = telemetry.roundListener().onRound(report);
        telemetry.flush(Duration.ofSeconds(10));

        List<Span> spans = awaitSpans(10);
        Span round = only(spans, "reachproof.round");
        assertThat(enriched.traceId()).isEqualTo(hex(round.getTraceId().toByteArray()));
        assertThat(round.getParentSpanId().isEmpty()).isTrue();
        assertThat(round.getStartTimeUnixNano()).isEqualTo(MILLISECONDS.toNanos(T0));
        assertThat(round.getEndTimeUnixNano()).isEqualTo(MILLISECONDS.toNanos(T0 + 1_250));
        assertThat(round.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(round.getStatus().getMessage()).isEqualTo("9 mismatches in lab");
        assertThat(attributes(round.getAttributesList())).containsAllEntriesOf(Map.ofEntries(
                Map.entry("reachproof.expectation", "lab"),
                Map.entry("reachproof.round.id", "r-1"),
                Map.entry("reachproof.round.complete", "true"),
                Map.entry("reachproof.cells", "46"),
                Map.entry("reachproof.cells.allow", "45"),
                Map.entry("reachproof.cells.deny", "0"),
                Map.entry("reachproof.cells.inconclusive", "1"),
                Map.entry("reachproof.mismatches", "9"),
                Map.entry("reachproof.mismatches.hole", "9"),
                Map.entry("reachproof.mismatches.blocked", "0"),
                Map.entry("reachproof.coverage", String.valueOf(45 / 46.0)),
                Map.entry("reachproof.suspect_change", "MODIFIED networkpolicy payments/allow-frontend in aws-lab"),
                Map.entry("reachproof.suspect_change.uid", "uid-allow-frontend")));

        ResourceSpans resourceSpans = receiver.traces.get(0).getResourceSpans(0);
        assertThat(attributes(resourceSpans.getResource().getAttributesList())).containsAllEntriesOf(Map.of(
                "service.name", "reachproof-coordinator", "service.version", "9.9.9-test"));
        assertThat(resourceSpans.getScopeSpans(0).getScope().getName()).isEqualTo("io.reachproof.coordinator");
    }

    @Test
    void everyFlushHasExportedTheRoundsThatEndedBeforeIt() {
        // back-to-back flushes once met the SDK's previous, already complete flush and exported nothing
        for (int i = 0; i < 40; i++) {
            telemetry.roundListener().onRound(LabReports.round("r-" + i, T0 + i * 5_000L, true, null));
            telemetry.flush(Duration.ofSeconds(10));

            assertThat(spans()).as("spans received after the flush of round %d", i).hasSize((i + 1) * 10);
        }
    }

    @Test
    void everyMismatchIsAnErrorChildSpanWithSourceDestinationAndRuleAttributes() {
        PolicyChange change = LabReports.change("allow-frontend", T0 - 5_000);
        telemetry.roundListener().onRound(LabReports.round("r-1", T0, true, change));
        telemetry.flush(Duration.ofSeconds(10));

        List<Span> spans = awaitSpans(10);
        Span round = only(spans, "reachproof.round");
        List<Span> mismatches = spans.stream().filter(s -> s.getName().equals("reachproof.mismatch")).toList();
        assertThat(mismatches).hasSize(9).allSatisfy(s -> {
            assertThat(s.getTraceId()).isEqualTo(round.getTraceId());
            assertThat(s.getParentSpanId()).isEqualTo(round.getSpanId());
            assertThat(s.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        });
        Span first = mismatches.stream()
                .filter(s -> attributes(s.getAttributesList()).get("k8s.pod.name").equals("frontend-0")
                        && attributes(s.getAttributesList()).get("reachproof.destination.k8s.pod.name").equals("payments-7"))
                .findFirst().orElseThrow();
        assertThat(first.getStatus().getMessage())
                .isEqualTo("HOLE: shop/frontend-0 -> payments/payments-7 7001/TCP expected deny, observed allow (CONNECTED)");
        CellResult cell = LabReports.round("x", T0, true, null).cells().stream()
                .filter(c -> c.from().pod().equals("frontend-0") && c.to().pod().equals("payments-7"))
                .findFirst().orElseThrow();
        assertThat(attributes(first.getAttributesList())).isEqualTo(Map.ofEntries(
                Map.entry("reachproof.expectation", "lab"),
                Map.entry("reachproof.round.id", "r-1"),
                Map.entry("reachproof.mismatch.kind", "HOLE"),
                Map.entry("reachproof.source.group", "frontend"),
                Map.entry("reachproof.destination.group", "payments"),
                Map.entry("reachproof.source.agent.id", "agent-0"),
                Map.entry("reachproof.destination.agent.id", "agent-7"),
                Map.entry("k8s.cluster.name", "aws-lab"),
                Map.entry("k8s.namespace.name", "shop"),
                Map.entry("k8s.pod.name", "frontend-0"),
                Map.entry("k8s.node.name", "node-0"),
                Map.entry("cloud.provider", "aws"),
                Map.entry("cloud.region", "us-east-1"),
                Map.entry("reachproof.destination.k8s.cluster.name", "gcp-lab"),
                Map.entry("reachproof.destination.k8s.namespace.name", "payments"),
                Map.entry("reachproof.destination.k8s.pod.name", "payments-7"),
                Map.entry("reachproof.destination.k8s.node.name", "node-7"),
                Map.entry("reachproof.destination.cloud.provider", "gcp"),
                Map.entry("reachproof.destination.cloud.region", "europe-west1"),
                Map.entry("network.transport", "tcp"),
                Map.entry("server.address", "127.0.1.8"),
                Map.entry("server.port", "7001"),
                Map.entry("reachproof.protocol", "TCP"),
                Map.entry("reachproof.expected", "deny"),
                Map.entry("reachproof.observed", "allow"),
                Map.entry("reachproof.outcome", "CONNECTED"),
                Map.entry("reachproof.attempts", "1"),
                Map.entry("reachproof.latency.seconds", String.valueOf(cell.latencyMicros() / 1_000_000.0)),
                Map.entry("reachproof.rule", "lab.yaml:22"),
                Map.entry("reachproof.suspect_change", "MODIFIED networkpolicy payments/allow-frontend in aws-lab"),
                Map.entry("reachproof.suspect_change.uid", "uid-allow-frontend")));
    }

    @Test
    void roundWithoutMismatchesIsOneOkSpan() {
        telemetry.roundListener().onRound(LabReports.round("r-clean", T0, false, null));
        telemetry.flush(Duration.ofSeconds(10));

        List<Span> spans = awaitSpans(1);
        assertThat(spans).extracting(Span::getName).containsExactly("reachproof.round");
        assertThat(spans.get(0).getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
    }

    @Test
    void metricsArriveByOutcomeVerdictKindAndPairWithoutPodAttributes() {
        PolicyChange change = LabReports.change("deny-frontend", T0);
        telemetry.roundListener().onRound(LabReports.round("r-1", T0 + 1_000, true, change));
        telemetry.roundListener().onRound(LabReports.round("r-2", T0 + 10_000, false, change));
        telemetry.flush(Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.metrics.isEmpty());
        Map<String, Metric> metrics = receiver.metrics.stream()
                .flatMap(r -> r.getResourceMetricsList().stream())
                .flatMap(r -> r.getScopeMetricsList().stream())
                .flatMap(s -> s.getMetricsList().stream())
                .collect(Collectors.toMap(Metric::getName, Function.identity(), (a, b) -> b));
        assertThat(metrics.keySet()).contains("reachproof.probes", "reachproof.rounds", "reachproof.probe.duration",
                "reachproof.time_to_enforce", "reachproof.cells", "reachproof.mismatches.open", "reachproof.coverage",
                "reachproof.agents", "reachproof.round.last_finished");

        Metric probes = metrics.get("reachproof.probes");
        assertThat(probes.getSum().getIsMonotonic()).isTrue();
        long connected = sum(probes.getSum().getDataPointsList(), Map.of("reachproof.outcome", "CONNECTED"));
        long timeout = sum(probes.getSum().getDataPointsList(), Map.of("reachproof.outcome", "TIMEOUT"));
        assertThat(connected).isEqualTo(45 + 36);
        assertThat(timeout).isEqualTo(9);

        Metric rounds = metrics.get("reachproof.rounds");
        assertThat(sum(rounds.getSum().getDataPointsList(), Map.of("reachproof.expectation", "lab"))).isEqualTo(2);

        // gauges show the newest round: no open HOLE any more, 9 denied frontend->payments cells, every cell proven
        Metric open = metrics.get("reachproof.mismatches.open");
        assertThat(sum(open.getGauge().getDataPointsList(), Map.of("reachproof.mismatch.kind", "HOLE"))).isZero();
        Metric cells = metrics.get("reachproof.cells");
        assertThat(sum(cells.getGauge().getDataPointsList(), Map.of("reachproof.verdict", "deny",
                "reachproof.source.group", "frontend", "reachproof.destination.group", "payments"))).isEqualTo(9);
        assertThat(sum(cells.getGauge().getDataPointsList(), Map.of("reachproof.verdict", "inconclusive")))
                .isZero();
        assertThat(cells.getGauge().getDataPointsList()).allSatisfy(p -> assertThat(
                attributes(p.getAttributesList()).keySet()).isEqualTo(Set.of("reachproof.expectation",
                        "reachproof.source.cluster", "reachproof.destination.cluster", "reachproof.source.cloud",
                        "reachproof.destination.cloud", "reachproof.source.group", "reachproof.destination.group",
                        "reachproof.protocol", "reachproof.port", "reachproof.verdict")));
        Metric agents = metrics.get("reachproof.agents");
        assertThat(sum(agents.getGauge().getDataPointsList(), Map.of("reachproof.agent.state", "live"))).isEqualTo(8);
        assertThat(metrics.get("reachproof.coverage").getGauge().getDataPoints(0).getAsDouble()).isEqualTo(1.0);

        Metric latency = metrics.get("reachproof.probe.duration");
        assertThat(latency.getUnit()).isEqualTo("s");
        assertThat(latency.getHistogram().getDataPoints(0).getExplicitBoundsList())
                .isEqualTo(RoundMetrics.LATENCY_BUCKETS);
        long latencyCount = latency.getHistogram().getDataPointsList().stream().mapToLong(p -> p.getCount()).sum();
        assertThat(latencyCount).isEqualTo(90);
        assertThat(latency.getHistogram().getDataPointsList()).allSatisfy(p -> assertThat(
                attributes(p.getAttributesList()).keySet()).isEqualTo(Set.of("reachproof.expectation",
                        "reachproof.source.cluster", "reachproof.destination.cluster", "reachproof.source.cloud",
                        "reachproof.destination.cloud", "reachproof.protocol", "reachproof.outcome")));

        // the change at T0 was proven enforced by r-2, which finished at T0 + 11.25 s
        Metric enforce = metrics.get("reachproof.time_to_enforce");
        assertThat(enforce.getHistogram().getDataPointsList()).singleElement().satisfies(p -> {
            assertThat(p.getCount()).isEqualTo(1);
            assertThat(p.getSum()).isEqualTo(11.25);
            assertThat(attributes(p.getAttributesList())).isEqualTo(Map.of("reachproof.expectation", "lab"));
        });

        assertThat(metrics.values()).allSatisfy(m -> assertThat(pointAttributeKeys(m))
                .noneMatch(k -> k.contains("pod") || k.contains("agent.id")));
    }

    private List<Span> awaitSpans(int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> spans().size() >= count);
        return spans();
    }

    private List<Span> spans() {
        return receiver.traces.stream()
                .flatMap(r -> r.getResourceSpansList().stream())
                .flatMap(r -> r.getScopeSpansList().stream())
                .flatMap(s -> s.getSpansList().stream())
                .toList();
    }

    private static Span only(List<Span> spans, String name) {
        List<Span> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).hasSize(1);
        return named.get(0);
    }

    private static long sum(List<NumberDataPoint> points, Map<String, String> where) {
        return points.stream()
                .filter(p -> attributes(p.getAttributesList()).entrySet().containsAll(where.entrySet()))
                .mapToLong(NumberDataPoint::getAsInt)
                .sum();
    }

    private static Set<String> pointAttributeKeys(Metric m) {
        List<List<KeyValue>> lists = switch (m.getDataCase()) {
            case SUM -> m.getSum().getDataPointsList().stream().map(NumberDataPoint::getAttributesList).toList();
            case GAUGE -> m.getGauge().getDataPointsList().stream().map(NumberDataPoint::getAttributesList).toList();
            case HISTOGRAM -> m.getHistogram().getDataPointsList().stream().map(p -> p.getAttributesList()).toList();
            default -> List.of();
        };
        return lists.stream().flatMap(List::stream).map(KeyValue::getKey).collect(Collectors.toSet());
    }

    static Map<String, String> attributes(List<KeyValue> kvs) {
        return kvs.stream().collect(Collectors.toMap(KeyValue::getKey, kv -> value(kv.getValue())));
    }

    private static String value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> String.valueOf(v.getIntValue());
            case BOOL_VALUE -> String.valueOf(v.getBoolValue());
            case DOUBLE_VALUE -> String.valueOf(v.getDoubleValue());
            default -> v.toString();
        };
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
