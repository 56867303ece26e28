package io.reachproof.coordinator.assembly;

import io.reachproof.coordinator.LabExpectation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.coordinator.api.ApiResponse;
import io.reachproof.coordinator.api.ApiRoute;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.protocol.RoundReport;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CoordinatorTest {

    @Test
    void extensionsAddRoutesAndListenersBeforeStart() throws Exception {
        List<RoundReport> heard = new CopyOnWriteArrayList<>();
        try (Coordinator c = new Coordinator(CoordinatorSettings.defaults(0, LabFleet.tokens()).withScheduled(false),
                List.of(LabExpectation.loaded("lab", Duration.ofSeconds(5))), Clock.systemUTC())) {
            c.addRoute(ApiRoute.of("GET", "/metrics", r -> ApiResponse.text(200, "rounds " + heard.size())));
            c.addListener(report -> {
                heard.add(report);
                return report;
            });
            c.start();

            RoundReport report = c.rounds().runNow("lab").report().toCompletableFuture().get();

            assertThat(heard).containsExactly(report);
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(c.url().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).isEqualTo("rounds 1");
            assertThatThrownBy(() -> c.addRoute(ApiRoute.of("GET", "/late", r -> ApiResponse.text(200, ""))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("routes must be added before start()");
        }
    }
}
