package io.reachproof.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.coordinator.assembly.Coordinator;
import io.reachproof.coordinator.assembly.CoordinatorSettings;
import io.reachproof.coordinator.LabExpectation;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.MatrixEntry;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.ProtocolV1;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatusApiTest {

    private final ObjectMapper mapper = Json.mapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Coordinator coordinator;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        coordinator = new Coordinator(CoordinatorSettings.defaults(0, LabFleet.tokens()).withScheduled(false)
                .withAdminToken(Optional.of("ops-secret")),
                List.of(LabExpectation.loaded("lab", Duration.ofSeconds(5)), LabExpectation.loaded("other", Duration.ofSeconds(5))),
                Clock.systemUTC());
        coordinator.start();
        base = coordinator.url();
    }

    @AfterEach
    void stop() {
        coordinator.close();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token).header(ProtocolV1.AGENT_KEY_HEADER, "status-api-test-agent-key-0123456789abcdef");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void operatorEndpointsRequireTheAdminTokenWhenOneIsConfigured() throws Exception {
        HttpResponse<String> none = get("/v1/agents", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).isEqualTo("{\"status\":401,\"error\":\"missing bearer token (the admin token)\"}");
        HttpResponse<String> agentToken = get("/v1/matrix", LabFleet.token("aws-lab"));
        assertThat(agentToken.statusCode()).isEqualTo(401);
        assertThat(agentToken.body()).isEqualTo("{\"status\":401,\"error\":\"bearer token is not the admin token\"}");
        assertThat(get("/v1/agents", "ops-secret").statusCode()).isEqualTo(200);
    }

    @Test
    void theNewestRoundOfEachSetIsServedAsReportMatrixAndStatusPage() throws Exception {
        assertThat(get("/v1/rounds/latest?expectation=lab", "ops-secret").statusCode()).isEqualTo(404);
        RoundReport report = coordinator.rounds().runNow("lab").report().toCompletableFuture().get();

        HttpResponse<String> latest = get("/v1/rounds/latest?expectation=lab", "ops-secret");
        assertThat(latest.statusCode()).isEqualTo(200);
        assertThat(mapper.readValue(latest.body(), RoundReport.class)).isEqualTo(report);

        List<MatrixEntry> matrix = mapper.readValue(get("/v1/matrix", "ops-secret").body(), new TypeReference<>() { });
        assertThat(matrix).containsExactly(MatrixEntry.of(report));

        HttpResponse<String> page = get("/", null);
        assertThat(page.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
        assertThat(page.body()).contains("<h1>reachproof</h1>", "src=\"ui/page.js\"").doesNotContain(report.roundId());
        assertThat(get(PageRoutes.VIEW, null).statusCode()).isEqualTo(401);
        assertThat(get(PageRoutes.VIEW, "ops-secret").body()).contains(report.roundId());
    }

    @Test
    void withSeveralSetsTheLatestRoundMustNameOne() throws Exception {
        HttpResponse<String> r = get("/v1/rounds/latest", "ops-secret");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"status\":400,\"error\":\"query parameter expectation is required; known: lab, other\"}");
    }
}
