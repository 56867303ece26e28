package io.reachproof.coordinator.api;

import static io.reachproof.coordinator.testing.RoundReports.DENY;
import static io.reachproof.coordinator.testing.RoundReports.round;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reachproof.coordinator.round.InMemoryRoundHistory;
import io.reachproof.protocol.Json;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateRouteTest {

    private static final long T0 = Instant.parse("2026-11-21T16:00:00Z").toEpochMilli();

    private final InMemoryRoundHistory history = new InMemoryRoundHistory(java.util.Set.of("lab", "lab-no-mismatch"), 50);
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T16:05:00Z"), ZoneOffset.UTC);
    private final GateRoute gate = new GateRoute(history, clock, Optional.empty());

    private ApiResponse get(String... params) {
        return call("GET", params);
    }

    private ApiResponse call(String method, String... params) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            query.put(params[i], List.of(params[i + 1]));
        }
        return gate.handle(new ApiRequest(method, GateRoute.PATH, query, Map.of(), null));
    }

    private static JsonNode json(ApiResponse r) throws IOException {
        assertThat(r.contentType()).isEqualTo("application/json");
        return Json.mapper().readTree(r.body());
    }

    private void clean(String id, long startedAt) {
        history.add(round("lab", id, startedAt).ok("frontend", "checkout", 7001).denied("frontend", "payments", 7001)
                .build());
    }

    private void withHole(String id, long startedAt) {
        history.add(round("lab", id, startedAt).traceId("trace-" + id).ok("frontend", "checkout", 7001)
                .hole("frontend", "payments", 7001).build());
    }

    @Test
    void aCleanCompleteRoundSinceTheDeployPasses() throws IOException {
        clean("r1", T0 + 1000);

        ApiResponse r = get("expectation", "lab", "since", "2026-11-21T16:00:00Z");

        assertThat(r.status()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("pass").asBoolean()).isTrue();
        assertThat(body.get("state").asText()).isEqualTo("pass");
        assertThat(body.get("message").asText()).isEqualTo("round r1 proved lab: 2 cells, no mismatches");
        assertThat(body.get("round").get("id").asText()).isEqualTo("r1");
        assertThat(body.get("round").get("startedAt").asText()).isEqualTo("2026-11-21T16:00:01Z");
        assertThat(body.get("roundsSince").asInt()).isEqualTo(1);
        assertThat(body.get("now").asText()).isEqualTo("2026-11-21T16:05:00Z");
        assertThat(body.get("mismatches")).isEmpty();
        assertThat(body.get("rules")).hasSize(2);
        assertThat(body.get("rules").get(1).get("rule").asText()).isEqualTo("lab.yaml:32");
        assertThat(body.get("rules").get(1).get("expected").asText()).isEqualTo("deny");
        assertThat(body.get("rules").get(1).get("ports").get(0).asText()).isEqualTo("7001/TCP");
    }

    @Test
    void aRoundWithAMismatchFailsWith412AndTheMismatches() throws IOException {
        withHole("r1", T0 + 1000);

        ApiResponse r = get("expectation", "lab", "since", "2026-11-21T16:00:00Z");

        assertThat(r.status()).isEqualTo(412);
        JsonNode body = json(r);
        assertThat(body.get("pass").asBoolean()).isFalse();
        assertThat(body.get("state").asText()).isEqualTo("fail");
        assertThat(body.get("message").asText())
                .isEqualTo("1 mismatch in lab: HOLE frontend -> payments 7001/TCP (aws-lab -> gcp-lab) (round r1)");
        assertThat(body.get("counts").get("HOLE").asInt()).isEqualTo(1);
        assertThat(body.get("mismatches")).singleElement().satisfies(m -> {
            assertThat(m.get("cell").asText()).isEqualTo("frontend -> payments 7001/TCP (aws-lab -> gcp-lab)");
            assertThat(m.get("rule").asText()).isEqualTo("lab.yaml:32");
        });
        assertThat(body.get("round").get("traceId").asText()).isEqualTo("trace-r1");
        assertThat(body.get("rules").get(1).get("mismatches").asInt()).isEqualTo(1);
    }

    @Test
    void verdictInBodyAnswers200ForAFailSoArgoCanReadResultPass() throws IOException {
        withHole("r1", T0 + 1000);

        ApiResponse r = get("expectation", "lab", "verdictIn", "body");

        assertThat(r.status()).isEqualTo(200);
        assertThat(json(r).get("pass").asBoolean()).isFalse();
    }

    @Test
    void beforeAnyCompleteRoundSinceTheDeployTheAnswerIsPending() throws IOException {
        clean("before", T0 - 5000);
        history.add(round("lab", "cut-short", T0 + 1000).incomplete().ok("frontend", "checkout", 7001).build());

        ApiResponse r = get("expectation", "lab", "since", "2026-11-21T16:00:00Z");

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.headers()).containsEntry("Retry-After", "5");
        JsonNode body = json(r);
        assertThat(body.get("pass").isNull()).isTrue();
        assertThat(body.get("state").asText()).isEqualTo("pending");
        assertThat(body.get("round").isNull()).isTrue();
        assertThat(body.get("message").asText())
                .isEqualTo("no complete round of lab has started since 2026-11-21T16:00:00Z yet; ask again");
        assertThat(get("expectation", "lab", "since", "2026-11-21T16:00:00Z", "verdictIn", "body").status())
                .isEqualTo(503);
    }

    @Test
    void aRoundThatStartedBeforeSinceDoesNotCountEvenIfItFinishedAfter() throws IOException {
        history.add(round("lab", "straddles", T0 - 500).finishedAt(T0 + 500).ok("frontend", "checkout", 7001)
                .build());

        assertThat(json(get("expectation", "lab", "since", "2026-11-21T16:00:00Z")).get("state").asText())
                .isEqualTo("pending");
    }

    @Test
    void theNewestRoundSinceDecidesAndEarlierFailuresAreCounted() throws IOException {
        withHole("r1", T0 + 1000);
        clean("r2", T0 + 6000);

        JsonNode body = json(get("expectation", "lab", "since", "2026-11-21T16:00:00Z"));

        assertThat(body.get("state").asText()).isEqualTo("pass");
        assertThat(body.get("round").get("id").asText()).isEqualTo("r2");
        assertThat(body.get("roundsSince").asInt()).isEqualTo(2);
        assertThat(body.get("failedRoundsSince").asInt()).isEqualTo(1);
    }

    @Test
    void withoutSinceTheNewestCompleteRoundDecides() throws IOException {
        clean("r1", T0);
        withHole("r2", T0 + 5000);

        assertThat(get("expectation", "lab").status()).isEqualTo(412);
    }

    @Test
    void aRoundThatProvedTooLittleIsInconclusive() throws IOException {
        history.add(round("lab", "r1", T0 + 1000).ok("frontend", "checkout", 7001)
                .inconclusive("frontend", "payments", 7001, DENY).build());

        ApiResponse strict = get("expectation", "lab");
        ApiResponse lenient = get("expectation", "lab", "minCoverage", "0.5");

        assertThat(strict.status()).isEqualTo(503);
        JsonNode body = json(strict);
        assertThat(body.get("state").asText()).isEqualTo("inconclusive");
        assertThat(body.get("pass").isNull()).isTrue();
        assertThat(body.get("message").asText()).isEqualTo(
                "round r1 proved only 50.0% of the cells of lab (minCoverage 100.0%; inconclusive: 1 TARGET_LOST);"
                        + " no mismatches; ask again");
        JsonNode payments = body.get("rules").get(1);
        assertThat(payments.get("toGroup").asText()).isEqualTo("payments");
        assertThat(payments.get("inconclusiveReasons").toString()).isEqualTo("{\"TARGET_LOST\":1}");
        assertThat(body.get("rules").get(0).get("inconclusiveReasons").size()).isZero();
        assertThat(lenient.status()).isEqualTo(200);
    }

    @Test
    void aMismatchFailsEvenWhenCoverageIsLow() {
        history.add(round("lab", "r1", T0).hole("frontend", "payments", 7001)
                .inconclusive("frontend", "checkout", 7001, "allow").build());

        assertThat(get("expectation", "lab").status()).isEqualTo(412);
    }

    @Test
    void aBadSinceIs400NamingIt() throws IOException {
        ApiResponse r = get("expectation", "lab", "since", "yesterday");

        assertThat(r.status()).isEqualTo(400);
        assertThat(json(r).get("error").asText())
                .isEqualTo("since must be an RFC 3339 time such as 2026-11-21T16:04:05Z: 'yesterday'");
    }

    @Test
    void sinceAcceptsOffsetsAndFractions() throws IOException {
        clean("r1", T0 + 1000);

        assertThat(get("expectation", "lab", "since", "2026-11-21T17:00:00.5+01:00").status()).isEqualTo(200);
        assertThat(get("expectation", "lab", "since", "2026-11-21T16:00:02Z").status()).isEqualTo(503);
    }

    @Test
    void badMinCoverageAndVerdictInAre400() throws IOException {
        assertThat(json(get("expectation", "lab", "minCoverage", "2")).get("error").asText())
                .isEqualTo("minCoverage must be a number from 0 to 1: '2'");
        assertThat(json(get("expectation", "lab", "minCoverage", "x")).get("error").asText())
                .isEqualTo("minCoverage must be a number from 0 to 1: 'x'");
        assertThat(json(get("expectation", "lab", "verdictIn", "header")).get("error").asText())
                .isEqualTo("verdictIn must be status or body: 'header'");
    }

    @Test
    void anUnknownExpectationIs404NamingTheKnownOnes() throws IOException {
        ApiResponse r = get("expectation", "shop");

        assertThat(r.status()).isEqualTo(404);
        assertThat(json(r).get("error").asText()).isEqualTo("unknown expectation 'shop'; known: lab, lab-no-mismatch");
    }

    @Test
    void theExpectationMayBeLeftOutOnlyWhenThereIsOne() throws IOException {
        assertThat(json(get()).get("error").asText()).isEqualTo("expectation is required (one of: lab, lab-no-mismatch)");

        InMemoryRoundHistory single = new InMemoryRoundHistory(java.util.Set.of("lab"), 50);
        single.add(round("lab", "r1", T0).ok("frontend", "checkout", 7001).build());
        ApiResponse r = new GateRoute(single, clock, Optional.empty()).handle(new ApiRequest("GET", GateRoute.PATH, Map.of(), Map.of(), null));
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void flaggerPostsAndGetsTheSameAnswer() {
        withHole("r1", T0);

        assertThat(call("POST", "expectation", "lab").status()).isEqualTo(412);
        assertThat(gate.routes()).extracting(ApiRoute::method, ApiRoute::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("GET", "/v1/gate"),
                        org.assertj.core.groups.Tuple.tuple("POST", "/v1/gate"));
    }

    @Test
    void withATokenConfiguredTheGateRequiresIt() throws IOException {
        clean("r1", T0);
        GateRoute guarded = new GateRoute(history, clock, Optional.of("adm1n"));
        Map<String, List<String>> query = Map.of("expectation", List.of("lab"));

        ApiResponse none = guarded.handle(new ApiRequest("GET", GateRoute.PATH, query, Map.of(), null));
        ApiResponse wrong = guarded.handle(new ApiRequest("GET", GateRoute.PATH, query,
                Map.of("authorization", "Bearer nope"), null));
        ApiResponse right = guarded.handle(new ApiRequest("GET", GateRoute.PATH, query,
                Map.of("authorization", "Bearer adm1n"), null));

        assertThat(none.status()).isEqualTo(401);
        assertThat(json(none).get("error").asText()).isEqualTo("missing bearer token (the admin token)");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(json(wrong).get("error").asText()).isEqualTo("bearer token is not the admin token");
        assertThat(right.status()).isEqualTo(200);
    }
}
