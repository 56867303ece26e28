package io.reachproof.coordinator.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.coordinator.api.ApiRequest;
import io.reachproof.coordinator.api.ApiResponse;
import io.reachproof.protocol.RoundReport;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} with nothing configured: no exporter, but every metric in the Prometheus text format. */
class MetricsRouteTest {

    private static final long T0 = 1_790_000_000_000L;

    private final Telemetry telemetry = Telemetry.builder().serviceVersion("9.9.9-test").build();

    @AfterEach
    void stop() {
        telemetry.close();
    }

    @Test
    void nothingConfiguredExportsNothingAndLeavesTheTraceIdNull() {
        assertThat(telemetry.tracesExported()).isFalse();
        assertThat(telemetry.metricsExported()).isFalse();

        RoundReport enriched = telemetry.roundListener().onRound(LabReports.round("r-1", T0, true, null));

        assertThat(enriched.traceId()).isNull();
        assertThat(enriched.roundId()).isEqualTo("r-1");
    }

    @Test
    void invalidConfigurationNamesTheSetting() {
        assertThatThrownBy(() -> Telemetry.builder()
                .properties(Map.of("otel.exporter.otlp.endpoint", "http://127.0.0.1:4318",
                        "otel.exporter.otlp.protocol", "carrier-pigeon"))
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid OpenTelemetry configuration (OTEL_* environment / otel.* properties):"
                        + " Unsupported OTLP metrics protocol: carrier-pigeon");
    }

    @Test
    void routeIsGetMetrics() {
        assertThat(telemetry.metricsRoute().method()).isEqualTo("GET");
        assertThat(telemetry.metricsRoute().path()).isEqualTo("/metrics");
    }

    @Test
    void servesEveryMetricInPrometheusTextFormat() {
        telemetry.roundListener().onRound(LabReports.round("r-1", T0, true, LabReports.change("p", T0 - 1_000)));
        telemetry.roundListener().onRound(LabReports.round("r-2", T0 + 5_000, false, null));

        ApiResponse response = scrape();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        String text = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(text).contains(
                "# TYPE reachproof_probes_total counter",
                "# TYPE reachproof_rounds_total counter",
                "# TYPE reachproof_cells gauge",
                "# TYPE reachproof_mismatches_open gauge",
                "# TYPE reachproof_coverage gauge",
                "# TYPE reachproof_agents gauge",
                "# TYPE reachproof_round_last_finished_seconds gauge",
                "# TYPE reachproof_probe_duration_seconds histogram",
                "# TYPE reachproof_time_to_enforce_seconds histogram");
        assertThat(text).contains("reachproof_agents{reachproof_agent_state=\"live\"} 8.0");
        assertThat(text).containsPattern("reachproof_rounds_total\\{[^}]*reachproof_expectation=\"lab\""
                + "[^}]*reachproof_round_complete=\"true\"} 2\\.0");
        assertThat(text).containsPattern("reachproof_mismatches_open\\{[^}]*reachproof_destination_cluster=\"gcp-lab\""
                + "[^}]*reachproof_destination_group=\"payments\"[^}]*reachproof_mismatch_kind=\"HOLE\""
                + "[^}]*reachproof_source_cluster=\"aws-lab\"[^}]*reachproof_source_group=\"frontend\"[^}]*} 0\\.0");
        assertThat(text).contains("le=\"1.0E-4\"", "le=\"5.0\"", "le=\"+Inf\"");
        assertThat(text).contains("reachproof_time_to_enforce_seconds_count{reachproof_expectation=\"lab\"} 1");
        assertThat(text).contains("service_name=\"reachproof-coordinator\"", "service_version=\"9.9.9-test\"");
        assertThat(text).doesNotContain("pod", "agent_id", "otel_scope");
    }

    @Test
    void eachWatchedClusterReportsWhetherItsPolicyWatchIsOpen() {
        java.util.concurrent.atomic.AtomicBoolean gcpUp = new java.util.concurrent.atomic.AtomicBoolean(false);
        telemetry.observePolicyWatches(Map.of("aws-prod", () -> true, "gcp-prod", gcpUp::get));

        String lost = new String(scrape().body(), StandardCharsets.UTF_8);
        gcpUp.set(true);
        String back = new String(scrape().body(), StandardCharsets.UTF_8);

        assertThat(lost).contains("# TYPE reachproof_policy_watch_up gauge",
                "reachproof_policy_watch_up{k8s_cluster_name=\"aws-prod\"} 1",
                "reachproof_policy_watch_up{k8s_cluster_name=\"gcp-prod\"} 0");
        assertThat(back).contains("reachproof_policy_watch_up{k8s_cluster_name=\"gcp-prod\"} 1");
    }

    private ApiResponse scrape() {
        return telemetry.metricsRoute()
                .handle(new ApiRequest("GET", "/metrics", Map.of(), Map.of(), null))
                .toCompletableFuture().join();
    }
}
