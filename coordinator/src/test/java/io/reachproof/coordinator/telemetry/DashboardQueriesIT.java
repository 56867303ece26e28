package io.reachproof.coordinator.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.reachproof.coordinator.api.ApiServer;
import io.reachproof.coordinator.api.ApiServerSettings;
import io.reachproof.coordinator.telemetry.Dashboards.PanelQuery;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every panel of every dashboard returns data from a real Prometheus scraping the coordinator's HTTP
 * server ({@link ApiServer}) serving the telemetry {@code /metrics} route, fed with lab-shaped rounds.
 */
class DashboardQueriesIT {

    @TempDir
    Path dir;

    @Test
    void everyPanelQueryReturnsDataFromPrometheusScrapingTheCoordinator() throws Exception {
        List<PanelQuery> queries = Dashboards.allQueries();
        assertThat(queries).hasSizeGreaterThan(20);

        try (Telemetry telemetry = Telemetry.builder().build();
                ApiServer server = new ApiServer(ApiServerSettings.loopback(0), List.of(telemetry.metricsRoute()));
                RoundFeeder feeder = new RoundFeeder(telemetry.roundListener(), Clock.systemUTC(), 300, 400)) {
            InetSocketAddress api = server.start();
            try (PrometheusServer prometheus = PrometheusServer.start(dir, "reachproof",
                    "127.0.0.1:" + api.getPort())) {
                await().atMost(Duration.ofSeconds(30)).until(prometheus::ready);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                        prometheus.query("up{job=\"reachproof\"} == 1")).as("scrape of /metrics").hasSize(1));

                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                        assertThat(Dashboards.panelsWithoutData(prometheus, queries)).as("panels without data").isEmpty());

                assertThat(prometheus.labelValues("reachproof_rounds_total", "reachproof_expectation"))
                        .as("the $expectation variable's values").extracting(JsonNode::asText).containsExactly("lab");
                assertThat(feeder.fed()).isPositive();
            }
        }
    }
}
