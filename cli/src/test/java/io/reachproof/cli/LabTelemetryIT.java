package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.reachproof.coordinator.assembly.AssemblySettings;
import io.reachproof.coordinator.assembly.CoordinatorAssembly;
import io.reachproof.coordinator.round.ExpectationFiles;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.telemetry.Dashboards;
import io.reachproof.coordinator.telemetry.OtlpReceiver;
import io.reachproof.coordinator.telemetry.PrometheusServer;
import io.reachproof.coordinator.telemetry.Telemetry;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.RoundReport;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's telemetry end to end: its HOLE arrives as OTLP traces at a collector, its coordinator port
 * serves {@code /metrics}, and a real Prometheus scraping it answers every dashboard panel's query.
 */
class LabTelemetryIT {

    private static final Path EXAMPLES = Path.of("").toAbsolutePath().getParent().resolve("expectations/examples");

    /** A loopback /16 of its own, so a lab someone runs on this machine does not collide with the test's. */
    private final String net = "127." + ThreadLocalRandom.current().nextInt(100, 250);

    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void labCommandSendsItsHoleAsTracesToTheConfiguredEndpoint() throws Exception {
        CliRun cli = new CliRun();
        try (OtlpReceiver otlp = new OtlpReceiver()) {
            // what OTEL_EXPORTER_OTLP_ENDPOINT does for the launcher; system properties reach an in-process run
            System.setProperty("otel.exporter.otlp.endpoint", otlp.endpoint());
            System.setProperty("otel.bsp.schedule.delay", "200");
            int exit;
            try {
                exit = cli.run("lab", "--port", String.valueOf(freePort()), "--duration", "6s", "--json",
                        "--loopback-net", net);
            } finally {
                System.clearProperty("otel.exporter.otlp.endpoint");
                System.clearProperty("otel.bsp.schedule.delay");
            }

            assertThat(exit).as(cli.err()).isEqualTo(Main.EXIT_FAILED);
            assertThat(cli.err()).contains("/metrics (Prometheus); exporting traces and metrics (OTEL_* settings)");
            RoundReport report = Json.mapper().readValue(cli.out(), RoundReport.class);
            assertThat(report.mismatches()).hasSize(9).allMatch(m -> m.kind() == MismatchKind.HOLE);
            assertThat(report.traceId()).matches("[0-9a-f]{32}");
            // the lab closes its telemetry on the way out: everything is flushed by now
            Span round = spans(otlp, "reachproof.round").stream()
                    .filter(s -> HexFormat.of().formatHex(s.getTraceId().toByteArray()).equals(report.traceId()))
                    .findFirst().orElseThrow();
            List<Span> holes = spans(otlp, "reachproof.mismatch").stream()
                    .filter(s -> s.getTraceId().equals(round.getTraceId())).toList();
            assertThat(holes).hasSize(9).allSatisfy(s -> {
                Map<String, String> a = attributes(s);
                assertThat(a).containsEntry("reachproof.mismatch.kind", "HOLE")
                        .containsEntry("reachproof.source.group", "frontend")
                        .containsEntry("reachproof.destination.group", "payments")
                        .containsEntry("reachproof.expected", "deny")
                        .containsEntry("reachproof.observed", "allow")
                        .containsEntry("reachproof.outcome", "CONNECTED")
                        .containsEntry("reachproof.rule", "expectations/examples/lab.yaml:30")
                        .containsEntry("network.transport", "tcp")
                        .containsEntry("server.port", "7001")
                        .containsEntry("k8s.namespace.name", "shop")
                        .containsEntry("reachproof.destination.k8s.namespace.name", "payments");
                assertThat(a.get("server.address")).startsWith(net + ".");
                assertThat(a.get("k8s.cluster.name")).isIn("aws-lab", "gcp-lab", "azure-lab");
                assertThat(a.get("cloud.provider")).isIn("aws", "gcp", "azure");
                assertThat(s.getParentSpanId()).isEqualTo(round.getSpanId());
            });
        }
    }

    @Test
    void everyDashboardPanelHasDataFromPrometheusScrapingTheLab() throws Exception {
        List<LoadedExpectation> sets = ExpectationFiles.load(
                List.of(EXAMPLES.resolve("lab.yaml"), EXAMPLES.resolve("lab-no-mismatch.yaml")));
        ScheduledExecutorService changes = Executors.newSingleThreadScheduledExecutor();
        try (CoordinatorAssembly lab = CoordinatorAssembly.start(AssemblySettings.of(Lab.settings(freePort()), sets)
                .withTelemetry(() -> Telemetry.builder().build()))) {
            URI url = Lab.startAround(lab, 9, net, LabCommand::nettyAgent).url();
            // policy changes through the coordinator's own path (what the Kubernetes watch calls): the clean
            // set proves each enforced, so time-to-enforce has data; bounded to 40 changes
            AtomicInteger changed = new AtomicInteger();
            changes.scheduleWithFixedDelay(() -> {
                int n = changed.incrementAndGet();
                if (n <= 40) {
                    lab.coordinator().policyChanged(new PolicyChange("aws-lab", "payments", "allow-checkout",
                            "uid-allow-checkout", String.valueOf(n), "MODIFIED", System.currentTimeMillis()));
                }
            }, 1, 3, TimeUnit.SECONDS);

            try (PrometheusServer prometheus = PrometheusServer.start(dir, "reachproof-lab",
                    url.getHost() + ":" + url.getPort())) {
                await().atMost(Duration.ofSeconds(30)).until(prometheus::ready);
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                        assertThat(Dashboards.panelsWithoutData(prometheus, Dashboards.allQueries()))
                                .as("panels without data").isEmpty());
                assertThat(prometheus.labelValues("reachproof_rounds_total", "reachproof_expectation"))
                        .extracting(n -> n.asText()).containsExactlyInAnyOrder("lab", "lab-no-mismatch");
            }
        } finally {
            changes.shutdownNow();
        }
    }

    private static List<Span> spans(OtlpReceiver otlp, String name) {
        return otlp.traces.stream()
                .flatMap(r -> r.getResourceSpansList().stream())
                .flatMap(r -> r.getScopeSpansList().stream())
                .flatMap(s -> s.getSpansList().stream())
                .filter(s -> s.getName().equals(name))
                .toList();
    }

    private static Map<String, String> attributes(Span span) {
        return span.getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey,
                kv -> kv.getValue().hasStringValue() ? kv.getValue().getStringValue()
                        : String.valueOf(kv.getValue().getIntValue())));
    }
}
