package io.reachproof.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.reachproof.coordinator.LabExpectation;
import io.reachproof.coordinator.MutableClock;
import io.reachproof.coordinator.evaluate.RoundEvaluator;
import io.reachproof.coordinator.kube.KubernetesTokenReviewer;
import io.reachproof.coordinator.plan.PlannerSettings;
import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.registry.AgentRegistry;
import io.reachproof.coordinator.registry.RegistrySettings;
import io.reachproof.coordinator.round.InMemoryRoundHistory;
import io.reachproof.coordinator.round.PlanBoard;
import io.reachproof.coordinator.round.RoundService;
import io.reachproof.coordinator.round.RoundSettings;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Heartbeat;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.ProtocolV1;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Agents of a cluster in TokenReview mode, on a real loopback API server with the real agent routes: the
 * coordinator asks the cluster's API server (fabric8's mock server answering TokenReviews) who a token belongs
 * to, and lets an agent register only as the pod its token is bound to.
 */
@EnableKubernetesMockClient
class TokenReviewAgentApiTest {

    private static final String TOKENREVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
    private static final String KEY = "pod-bound-agent-key-0123456789abcdefghijklm";

    KubernetesMockServer server;
    KubernetesClient client;

    private final ObjectMapper mapper = Json.mapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AgentRegistry registry = new AgentRegistry(clock, RegistrySettings.defaults());
    private final PlanBoard board = new PlanBoard(5000, timer, 1);
    private RoundService rounds;
    private ApiServer api;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        rounds = new RoundService(clock, registry, board, new ProbePlanner(new PlannerSettings(1, 100, 2, 100)),
                new RoundEvaluator(2), report -> report, new InMemoryRoundHistory(Set.of("lab"), 3),
                List.of(LabExpectation.loaded("lab", Duration.ofSeconds(5))), new RoundSettings(Duration.ofMillis(100), 32, 3),
                timer);
        AgentAuth auth = new AgentAuth(new ClusterTokens(Map.of("aws-lab", "lab-token")),
                Map.of("gke-prod", new KubernetesTokenReviewer(client)), "reachproof", registry);
        api = new ApiServer(ApiServerSettings.loopback(0),
                new AgentRoutes(mapper, auth, registry, board, rounds, Duration.ofMillis(200), 100).routes());
        base = URI.create("http://127.0.0.1:" + api.start().getPort());
    }

    @AfterEach
    void stop() {
        api.close();
        rounds.close();
        timer.shutdownNow();
    }

    private static AgentIdentity agent(String namespace, String pod) {
        return new AgentIdentity(pod, "gke-prod", "gcp", "europe-west1", "node-1", namespace, pod, List.of("10.8.0.4"),
                Map.of("app", "reachproof-agent"), Map.of(), List.of(), Set.of());
    }

    /** The API server's answer to the next TokenReview: authenticated as pod {@code namespace/pod}, or not. */
    private void reviewAnswers(boolean authenticated, String namespace, String pod, String audience) {
        TokenReview answer = new TokenReviewBuilder()
                .withNewStatus()
                .withAuthenticated(authenticated)
                .withAudiences(audience == null ? List.of() : List.of(audience))
                .withError(authenticated ? null : "token has expired")
                .withNewUser()
                .withUsername(authenticated ? "system:serviceaccount:" + namespace + ":reachproof-agent" : null)
                .withExtra(authenticated ? Map.of("authentication.kubernetes.io/pod-name", List.of(pod),
                        "authentication.kubernetes.io/pod-uid", List.of("uid-" + pod)) : null)
                .endUser()
                .endStatus()
                .build();
        server.expect().post().withPath(TOKENREVIEWS).andReturn(201, answer).once();
    }

    private HttpResponse<String> call(String path, String bearer, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .header(ProtocolV1.CLUSTER_HEADER, "gke-prod")
                .header(ProtocolV1.AGENT_KEY_HEADER, KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String error(HttpResponse<String> r) throws Exception {
        return mapper.readTree(r.body()).get("error").asText();
    }

    @Test
    void aPodsTokenRegistersThatPodAndItsKeyThenCarriesItsCalls() throws Exception {
        reviewAnswers(true, "reachproof", "agent-x7k2p", "reachproof");

        HttpResponse<String> r = call(ProtocolV1.REGISTER, "projected-token-of-agent-x7k2p", agent("reachproof", "agent-x7k2p"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        TokenReview asked = mapper.readValue(server.getLastRequest().getBody().readUtf8(), TokenReview.class);
        assertThat(asked.getSpec().getToken()).isEqualTo("projected-token-of-agent-x7k2p");
        assertThat(asked.getSpec().getAudiences()).containsExactly("reachproof");
        HttpResponse<String> hb = call(ProtocolV1.HEARTBEAT, null, new Heartbeat("agent-x7k2p", 0, 0, 0));
        assertThat(hb.statusCode()).as("later calls: the key bound at registration, no token").isEqualTo(204);
    }

    @Test
    void aPodsTokenCannotRegisterAnotherPod() throws Exception {
        reviewAnswers(true, "reachproof", "agent-x7k2p", "reachproof");

        HttpResponse<String> r = call(ProtocolV1.REGISTER, "projected-token-of-agent-x7k2p", agent("reachproof", "agent-b9q4z"));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(error(r)).isEqualTo("the service-account token of pod reachproof/agent-x7k2p may not register as pod"
                + " reachproof/agent-b9q4z");
        assertThat(registry.find("agent-b9q4z")).isEmpty();
    }

    @Test
    void aTokenTheApiServerDoesNotAuthenticateOrOfAnotherAudienceIsUnauthorized() throws Exception {
        reviewAnswers(false, null, null, null);
        HttpResponse<String> expired = call(ProtocolV1.REGISTER, "old-token", agent("reachproof", "agent-x7k2p"));
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(error(expired)).isEqualTo("the API server of cluster gke-prod did not authenticate the service-account"
                + " token: token has expired");

        reviewAnswers(true, "reachproof", "agent-x7k2p", "vault");
        HttpResponse<String> vault = call(ProtocolV1.REGISTER, "token-for-vault", agent("reachproof", "agent-x7k2p"));
        assertThat(vault.statusCode()).isEqualTo(401);
        assertThat(error(vault)).isEqualTo("the service-account token is not bound to audience reachproof");
    }

    @Test
    void callsWithAKeyNoAgentOfTheClusterRegisteredAreRefusedFromTheHead() throws Exception {
        HttpResponse<String> r = call(ProtocolV1.HEARTBEAT, null, new Heartbeat("agent-x7k2p", 0, 0, 0));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r)).isEqualTo("no agent of cluster gke-prod registered with this X-Reachproof-Agent-Key;"
                + " register (with the service-account token) first");
    }

    @Test
    void anApiServerThatRefusesTheCoordinatorIsAServiceUnavailableNeverARegistration() throws Exception {
        // the coordinator's RBAC lacks create on tokenreviews (fabric8 retries 5xx, not 4xx)
        server.expect().post().withPath(TOKENREVIEWS).andReturn(403, new io.fabric8.kubernetes.api.model.StatusBuilder()
                .withCode(403).withMessage("tokenreviews.authentication.k8s.io is forbidden").build()).once();

        HttpResponse<String> r = call(ProtocolV1.REGISTER, "projected-token", agent("reachproof", "agent-x7k2p"));

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(error(r)).isEqualTo("cannot review the agent's token with the API server of cluster gke-prod: HTTP 403"
                + " tokenreviews.authentication.k8s.io is forbidden");
        assertThat(registry.find("agent-x7k2p")).isEmpty();
    }
}
