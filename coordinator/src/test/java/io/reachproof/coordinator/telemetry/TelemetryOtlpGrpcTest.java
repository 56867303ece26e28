package io.reachproof.coordinator.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.trace.v1.Span;
import io.reachproof.protocol.RoundReport;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code otel.exporter.otlp.protocol=grpc} works with the default sender: no grpc-java on the classpath. */
class TelemetryOtlpGrpcTest {

    @Test
    void grpcProtocolDeliversTheRoundTraceAndMetricsOverHttp2() throws Exception {
        try (OtlpGrpcReceiver receiver = new OtlpGrpcReceiver();
                Telemetry telemetry = Telemetry.builder()
                        .properties(Map.of("otel.exporter.otlp.endpoint", receiver.endpoint(),
                                "otel.exporter.otlp.protocol", "grpc",
                                "otel.metric.export.interval", "3600000"))
                        .build()) {
            RoundReport report = telemetry.roundListener()
                    .onRound(LabReports.round("r-grpc", 1_790_000_000_000L, true, null));
            telemetry.flush(Duration.ofSeconds(10));

            await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.traces.isEmpty() && !receiver.metrics.isEmpty());
            List<Span> spans = receiver.traces.stream()
                    .flatMap(r -> r.getResourceSpansList().stream())
                    .flatMap(r -> r.getScopeSpansList().stream())
                    .flatMap(s -> s.getSpansList().stream())
                    .toList();
            assertThat(spans).filteredOn(s -> s.getName().equals("reachproof.mismatch")).hasSize(9);
            Span round = spans.stream().filter(s -> s.getName().equals("reachproof.round")).findFirst().orElseThrow();
            assertThat(HexFormat.of().formatHex(round.getTraceId().toByteArray())).isEqualTo(report.traceId());
            assertThat(receiver.metrics.stream()
                    .flatMap(r -> r.getResourceMetricsList().stream())
                    .flatMap(r -> r.getScopeMetricsList().stream())
                    .flatMap(s -> s.getMetricsList().stream())
                    .map(m -> m.getName()))
                    .contains("reachproof.probes", "reachproof.cells");
        }
    }
}
