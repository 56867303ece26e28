package io.reachproof.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.reachproof.coordinator.assembly.AssemblySettings;
import io.reachproof.coordinator.assembly.CoordinatorAssembly;
import io.reachproof.coordinator.rollback.WebhookConfig;
import io.reachproof.coordinator.store.RecordSettings;
import io.reachproof.coordinator.store.StoreSettings;
import io.reachproof.coordinator.telemetry.Telemetry;
import io.reachproof.coordinator.testing.HookReceiver;
import io.reachproof.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof record through a real coordinator and agents on loopback (where nothing enforces the lab's deny rules,
 * so rounds find HOLEs): rounds, the episode and a gate FAIL are recorded in an H2 file; a second coordinator on the
 * same file continues the open episode instead of opening a new one (the webhook receiver sees no second
 * {@code opened}); {@code /v1/report} answers the JSON contract with the rounds of both.
 */
class ProofRecordIT {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private JsonNode get(URI url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(r.body());
    }

    private CoordinatorAssembly start(HookReceiver hooks) throws Exception {
        return CoordinatorAssembly.start(AssemblySettings.of(LoopbackFleet.settings(0, true),
                        List.of(LabExpectation.loaded("lab", LoopbackFleet.INTERVAL)))
                .withTelemetry(() -> Telemetry.builder().build())
                .withWebhook(Optional.of(WebhookConfig.fromEnv(hooks.url(), Map.of(WebhookConfig.SECRET_ENV, "s3cret"))))
                .withRecord(Optional.of(new RecordSettings(StoreSettings.h2In(dir), List.of()))));
    }

    @Test
    void roundsEpisodesAndGateRunsAreRecordedAndASecondCoordinatorContinuesTheEpisode() throws Exception {
        String openedKey;
        try (HookReceiver hooks = HookReceiver.start(); CoordinatorAssembly first = start(hooks);
                LoopbackFleet fleet = new LoopbackFleet(dir.resolve("spools"), LoopbackFleet.sixAgentsInThreeClusters())) {
            fleet.startAgents(first.url());
            await().atMost(Duration.ofSeconds(30)).until(() -> !hooks.bodies("opened").isEmpty());
            openedKey = Json.mapper().readTree(hooks.bodies("opened").get(0)).get("idempotencyKey").asText();
            JsonNode gate = get(URI.create(first.url() + "/v1/gate?expectation=lab&verdictIn=body"));
            assertThat(gate.get("state").asText()).isEqualTo("fail");
            assertThat(first.store().orElseThrow().awaitWritten(Duration.ofSeconds(10))).isTrue();
        }

        try (HookReceiver hooks = HookReceiver.start(); CoordinatorAssembly second = start(hooks);
                LoopbackFleet fleet = new LoopbackFleet(dir.resolve("spools2"), LoopbackFleet.sixAgentsInThreeClusters())) {
            fleet.startAgents(second.url());
            String since = Instant.now().minusSeconds(600).toString();
            await().atMost(Duration.ofSeconds(30)).until(() -> get(URI.create(second.url() + "/v1/report?since=" + since))
                    .get("rounds").size() >= 6);
            assertThat(second.store().orElseThrow().awaitWritten(Duration.ofSeconds(10))).isTrue();

            JsonNode report = get(URI.create(second.url() + "/v1/report?since=" + since));
            assertThat(hooks.bodies("opened")).as("the second coordinator continues the episode, opens none").isEmpty();
            assertThat(hooks.bodies("resolved")).isEmpty();
            assertThat(report.get("episodes")).singleElement().satisfies(e -> {
                assertThat(e.get("idempotencyKey").asText()).isEqualTo(openedKey);
                assertThat(e.get("resolvedAt").isNull()).isTrue();
                assertThat(e.get("mismatches").size()).isPositive();
            });
            assertThat(report.get("gateRuns")).singleElement()
                    .satisfies(g -> assertThat(g.get("verdict").asText()).isEqualTo("fail"));
            String metrics = http.send(HttpRequest.newBuilder(URI.create(second.url() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).containsPattern("(?m)^reachproof_store_up(\\{[^}]*\\})? 1(\\.0)?$")
                    .containsPattern("(?m)^reachproof_store_dropped_total(\\{[^}]*\\})? 0(\\.0)?$");
            JsonNode round = report.get("rounds").get(0);
            for (String field : List.of("roundId", "expectation", "startedAt", "finishedAt", "coverage", "mismatches")) {
                assertThat(round.has(field)).as(field).isTrue();
            }
        }
    }
}
