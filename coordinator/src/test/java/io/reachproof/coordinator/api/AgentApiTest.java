package io.reachproof.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.coordinator.assembly.Coordinator;
import io.reachproof.coordinator.assembly.CoordinatorSettings;
import io.reachproof.coordinator.LabExpectation;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.AgentList;
import io.reachproof.protocol.BatchAck;
import io.reachproof.protocol.Heartbeat;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.Plan;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProtocolV1;
import io.reachproof.protocol.RegistrationAck;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.RoundStarted;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AgentApiTest {

    private final ObjectMapper mapper = Json.mapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final AgentIdentity aws = LabFleet.agent(0);
    private final AgentIdentity gcp = LabFleet.agent(1);
    private Coordinator coordinator;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        CoordinatorSettings settings = CoordinatorSettings.defaults(0, LabFleet.tokens())
                .withApi(ApiServerSettings.loopback(0).withMaxBodyBytes(64 * 1024))
                .withPollTimeout(Duration.ofMillis(300))
                .withScheduled(false);
        coordinator = new Coordinator(settings, List.of(LabExpectation.loaded("lab", Duration.ofSeconds(5))), Clock.systemUTC());
        coordinator.start();
        base = coordinator.url();
    }

    @AfterEach
    void stop() {
        coordinator.close();
    }

    /** The key the agents of these tests present, unless a test says otherwise. */
    private static final String KEY = "agent-key-of-the-real-agent-0123456789abcdef";
    private static final String OTHER_KEY = "another-agents-key-0123456789abcdefghijklmno";

    private HttpResponse<String> call(String method, String path, String token, Object body) throws Exception {
        return call(method, path, token, KEY, body);
    }

    private HttpResponse<String> call(String method, String path, String token, String key, Object body)
            throws Exception {
        byte[] bytes = body == null ? new byte[0] : body instanceof String s ? s.getBytes(StandardCharsets.UTF_8)
                : mapper.writeValueAsBytes(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (key != null) {
            b.header(ProtocolV1.AGENT_KEY_HEADER, key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String error(HttpResponse<String> r) throws Exception {
        return mapper.readTree(r.body()).get("error").asText();
    }

    private void register(AgentIdentity agent) throws Exception {
        assertThat(call("POST", "/v1/agents/register", LabFleet.token(agent.cluster()), agent).statusCode()).isEqualTo(200);
    }

    private static ProbeResult result(String id, String agent) {
        return new ProbeResult(id, "t", agent, "r", Outcome.CONNECTED, 10, 1, null, "", 0);
    }

    @Test
    void registrationAnswersTheTimingAndListsTheAgentAsLive() throws Exception {
        HttpResponse<String> r = call("POST", "/v1/agents/register", LabFleet.token("aws-lab"), aws);

        assertThat(r.statusCode()).isEqualTo(200);
        RegistrationAck ack = mapper.readValue(r.body(), RegistrationAck.class);
        assertThat(ack).isEqualTo(new RegistrationAck("frontend-0", 5000, 300, 5000));
        AgentList agents = mapper.readValue(call("GET", "/v1/agents", null, null).body(), AgentList.class);
        assertThat(agents.agents()).singleElement().satisfies(a -> {
            assertThat(a.identity()).isEqualTo(aws);
            assertThat(a.state()).isEqualTo("live");
        });
        assertThat(agents.byState()).containsEntry("live", 1).containsEntry("lost", 0);
    }

    @Test
    void anAgentWithoutATokenIsUnauthorized() throws Exception {
        HttpResponse<String> r = call("POST", "/v1/agents/register", null, aws);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r)).isEqualTo("missing bearer token (Authorization: Bearer <cluster token>)");
    }

    @Test
    void anAgentWithAnUnknownTokenIsUnauthorized() throws Exception {
        HttpResponse<String> r = call("POST", "/v1/agents/register", "guess", aws);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r)).isEqualTo("bearer token is not valid for any cluster");
    }

    @Test
    void anotherClustersTokenMayNotRegisterOrActForAnAgent() throws Exception {
        HttpResponse<String> r = call("POST", "/v1/agents/register", LabFleet.token("gcp-lab"), aws);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(error(r)).isEqualTo("token of cluster gcp-lab may not act for agent frontend-0 of cluster aws-lab");

        register(aws);
        HttpResponse<String> hb = call("POST", "/v1/agents/heartbeat", LabFleet.token("gcp-lab"), new Heartbeat("frontend-0", 0, 0, 0));
        assertThat(hb.statusCode()).isEqualTo(403);
        assertThat(error(hb)).isEqualTo("this token and agent key may not act for agent frontend-0");
    }

    @Test
    void anotherClustersTokenCannotTakeOverAnAgentIdByRegisteringItInItsOwnCluster() throws Exception {
        register(aws);
        AgentIdentity impostor = new AgentIdentity(aws.agentId(), "gcp-lab", "gcp", aws.region(), aws.node(),
                aws.namespace(), aws.pod(), aws.addresses(), aws.podLabels(), aws.namespaceLabels(), aws.responders(),
                aws.capabilities());

        HttpResponse<String> r = call("POST", "/v1/agents/register", LabFleet.token("gcp-lab"), impostor);

        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(error(r)).isEqualTo(
                "agent id frontend-0 is registered by an agent of another cluster; agent ids are their cluster's");
        assertThat(call("GET", "/v1/plan?agent=frontend-0&version=-1", LabFleet.token("gcp-lab"), null).statusCode())
                .isEqualTo(403);
        HttpResponse<String> real = call("POST", "/v1/agents/heartbeat", LabFleet.token("aws-lab"),
                new Heartbeat("frontend-0", 0, 0, 0));
        assertThat(real.statusCode()).isEqualTo(204);
        assertThat(call("POST", "/v1/agents/register", LabFleet.token("aws-lab"), aws).statusCode()).isEqualTo(200);
    }

    @Test
    void anotherAgentOfTheSameClusterCannotTakeOverAnAgentIdOrActForIt() throws Exception {
        register(aws);
        String token = LabFleet.token("aws-lab");

        HttpResponse<String> r = call("POST", "/v1/agents/register", token, OTHER_KEY, aws);

        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(error(r)).isEqualTo("agent id frontend-0 is registered by another agent (its X-Reachproof-Agent-Key"
                + " differs); the id is freed when that agent has been silent for 600 s");
        List<HttpResponse<String>> refusals = List.of(
                call("POST", "/v1/agents/heartbeat", token, OTHER_KEY, new Heartbeat("frontend-0", 0, 0, 0)),
                call("GET", "/v1/plan?agent=frontend-0&version=-1", token, OTHER_KEY, null),
                call("POST", "/v1/results", token, OTHER_KEY,
                        new ResultBatch("frontend-0", List.of(result("fake", "frontend-0")), List.of())));
        for (HttpResponse<String> refusal : refusals) {
            assertThat(refusal.statusCode()).isEqualTo(403);
            assertThat(error(refusal)).isEqualTo("this token and agent key may not act for agent frontend-0");
        }
        assertThat(coordinator.roundService().delivered("frontend-0")).isEqualTo(new BatchAck(0, 0, 0));
        assertThat(call("POST", "/v1/agents/heartbeat", token, new Heartbeat("frontend-0", 0, 0, 0)).statusCode())
                .isEqualTo(204);
        assertThat(call("POST", "/v1/agents/register", token, aws).statusCode())
                .as("the real agent, restarted with the key from its spool, registers again")
                .isEqualTo(200);
    }

    @Test
    void anAgentCallWithoutAValidAgentKeyIsRefusedNamingTheHeader() throws Exception {
        HttpResponse<String> missing = call("POST", "/v1/agents/register", LabFleet.token("aws-lab"), null, aws);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(error(missing)).isEqualTo("missing header X-Reachproof-Agent-Key (the agent's own key, kept in its"
                + " spool directory)");

        HttpResponse<String> weak = call("POST", "/v1/agents/register", LabFleet.token("aws-lab"), "short", aws);
        assertThat(weak.statusCode()).isEqualTo(400);
        assertThat(error(weak)).isEqualTo("header X-Reachproof-Agent-Key must be 32..128 characters of [A-Za-z0-9_-]"
                + " (base64url)");
    }

    @Test
    void aRefusalNeverNamesTheClusterOfAnAgentTheTokenDoesNotSpeakFor() throws Exception {
        register(aws);
        String poll = "/v1/plan?agent=frontend-0&version=-1";
        List<HttpResponse<String>> refusals = List.of(
                call("POST", "/v1/agents/heartbeat", LabFleet.token("gcp-lab"), new Heartbeat("frontend-0", 0, 0, 0)),
                call("GET", poll, LabFleet.token("gcp-lab"), null),
                call("POST", "/v1/results", LabFleet.token("gcp-lab"), new ResultBatch("frontend-0", List.of(), List.of())));

        for (HttpResponse<String> r : refusals) {
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(error(r)).isEqualTo("this token and agent key may not act for agent frontend-0").doesNotContain("aws-lab");
        }
    }

    @Test
    void anAgentIdOutsideTheRuleIsABadRequestNamingTheField() throws Exception {
        String nul = "{\"agentId\": \"fe\\u00001\", \"cluster\": \"aws-lab\"}";
        HttpResponse<String> r = call("POST", "/v1/agents/register", LabFleet.token("aws-lab"), nul);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r)).endsWith("agentId must be 1..253 characters of [A-Za-z0-9._:/-]: character 3 is U+0000");

        HttpResponse<String> hb = call("POST", "/v1/agents/heartbeat", LabFleet.token("aws-lab"),
                new Heartbeat("x".repeat(300), 0, 0, 0));
        assertThat(hb.statusCode()).isEqualTo(400);
        assertThat(error(hb)).isEqualTo("agentId must be 1..253 characters of [A-Za-z0-9._:/-]: got 300 characters");
    }

    @Test
    void resultIdsOutsideTheRuleAreABadRequestNamingTheFieldAndTheLimit() throws Exception {
        register(aws);
        ResultBatch tooLong = new ResultBatch("frontend-0", List.of(result("a", "frontend-0"),
                result("x".repeat(129), "frontend-0")), List.of());
        HttpResponse<String> r = call("POST", "/v1/results", LabFleet.token("aws-lab"), tooLong);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r)).isEqualTo("results[1].resultId must be 1..128 characters of [A-Za-z0-9._:-]: got 129 characters");

        ResultBatch badChar = new ResultBatch("frontend-0", List.of(result("a/b", "frontend-0")), List.of());
        HttpResponse<String> c = call("POST", "/v1/results", LabFleet.token("aws-lab"), badChar);
        assertThat(error(c)).isEqualTo("results[0].resultId must be 1..128 characters of [A-Za-z0-9._:-]: character 2 is U+002F");
        assertThat(coordinator.roundService().delivered("frontend-0")).isEqualTo(new BatchAck(0, 0, 0));
    }

    @Test
    void anUnauthenticatedAgentCallIsRefusedFromItsHeadWithoutWaitingForTheBody() throws Exception {
        try (RawHttp c = new RawHttp(base.getPort())) {
            c.send("POST /v1/results HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n");
            RawHttp.Answer a = c.read();
            assertThat(a.status()).isEqualTo(401);
            assertThat(a.body()).isEqualTo("{\"status\":401,\"error\":\"missing bearer token (Authorization: Bearer"
                    + " <cluster token>)\"}");
        }
    }

    @Test
    void anAgentPostingAnotherAgentsResultIsForbiddenAndNothingOfTheBatchIsTaken() throws Exception {
        register(aws);
        register(gcp);
        ResultBatch batch = new ResultBatch("frontend-0", List.of(result("a", "frontend-0"), result("b", "frontend-1")), List.of());

        HttpResponse<String> r = call("POST", "/v1/results", LabFleet.token("aws-lab"), batch);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(error(r)).isEqualTo("agent frontend-0 may not deliver result b of agent frontend-1");
        assertThat(coordinator.roundService().delivered("frontend-0")).isEqualTo(new BatchAck(0, 0, 0));
    }

    @Test
    void anUnregisteredAgentIsToldToRegister() throws Exception {
        HttpResponse<String> r = call("POST", "/v1/agents/heartbeat", LabFleet.token("aws-lab"), new Heartbeat("frontend-0", 0, 0, 0));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(error(r)).isEqualTo("unknown agent frontend-0; register first");
    }

    @Test
    void aMalformedBodyIsABadRequestNamingTheProblemAndTheServerGoesOn() throws Exception {
        register(aws);
        HttpResponse<String> r = call("POST", "/v1/results", LabFleet.token("aws-lab"),
                "{\"agentId\": \"frontend-0\", \"results\": [{\"resultId\": \"x\", \"outcome\": \"MAYBE\"}]}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r)).isEqualTo("invalid ResultBatch JSON at line 1, column 68: unknown outcome 'MAYBE', expected one"
                + " of CONNECTED, REFUSED, TIMEOUT, UNREACHABLE, WRONG_PEER, ERROR");
        assertThat(call("POST", "/v1/agents/heartbeat", LabFleet.token("aws-lab"), new Heartbeat("frontend-0", 0, 0, 0))
                .statusCode()).isEqualTo(204);
    }

    @Test
    void anOversizedBodyIsRefusedWith413() throws Exception {
        register(aws);
        String huge = "{\"agentId\": \"frontend-0\", \"results\": [], \"pad\": \"" + "x".repeat(70 * 1024) + "\"}";

        HttpResponse<String> r = call("POST", "/v1/results", LabFleet.token("aws-lab"), huge);

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(error(r)).isEqualTo("request body exceeds the limit of 65536 bytes");
    }

    @Test
    void resultsAreDeduplicatedById() throws Exception {
        register(aws);
        ResultBatch batch = new ResultBatch("frontend-0", List.of(result("a", "frontend-0"), result("b", "frontend-0")), List.of());

        BatchAck first = mapper.readValue(call("POST", "/v1/results", LabFleet.token("aws-lab"), batch).body(), BatchAck.class);
        BatchAck again = mapper.readValue(call("POST", "/v1/results", LabFleet.token("aws-lab"), batch).body(), BatchAck.class);

        assertThat(first).isEqualTo(new BatchAck(2, 0, 2));
        assertThat(again).isEqualTo(new BatchAck(0, 2, 0));
        assertThat(coordinator.roundService().delivered("frontend-0")).isEqualTo(new BatchAck(2, 2, 2));
    }

    @Test
    void thePlanPollAnswersAtOnceForAnOldVersionAndWithNoContentAtTheTimeout() throws Exception {
        register(aws);
        String agent = "/v1/plan?agent=" + URLEncoder.encode("frontend-0", StandardCharsets.UTF_8);

        HttpResponse<String> first = call("GET", agent + "&version=-1", LabFleet.token("aws-lab"), null);
        assertThat(first.statusCode()).isEqualTo(200);
        Plan plan = mapper.readValue(first.body(), Plan.class);
        assertThat(plan.rounds()).isEmpty();

        HttpResponse<String> waited = call("GET", agent + "&version=" + plan.version(), LabFleet.token("aws-lab"), null);
        assertThat(waited.statusCode()).isEqualTo(204);
    }

    @Test
    void runningARoundNowAnswersItsIdAndAnUnknownSetIsNotFound() throws Exception {
        HttpResponse<String> r = call("POST", "/v1/rounds?expectation=lab", null, null);
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(mapper.readValue(r.body(), RoundStarted.class).roundId()).startsWith("lab-");

        HttpResponse<String> unknown = call("POST", "/v1/rounds?expectation=nope", null, null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(error(unknown)).isEqualTo("unknown expectation: nope (known: lab)");
    }
}
