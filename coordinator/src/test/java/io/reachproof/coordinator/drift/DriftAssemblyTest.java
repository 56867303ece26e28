package io.reachproof.coordinator.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.coordinator.LabExpectation;
import io.reachproof.coordinator.assembly.AssemblySettings;
import io.reachproof.coordinator.assembly.ClusterAccess;
import io.reachproof.coordinator.assembly.CoordinatorAssembly;
import io.reachproof.coordinator.assembly.CoordinatorSettings;
import io.reachproof.coordinator.assembly.KubernetesSettings;
import io.reachproof.coordinator.rollback.WebhookConfig;
import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.coordinator.telemetry.Telemetry;
import io.reachproof.coordinator.testing.HookReceiver;
import io.reachproof.coordinator.testing.MockCluster;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.RoundReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator watching two clusters (fabric8's CRUD mock API servers) of one sync group: a policy edited by hand in
 * one of them is drift on {@code /v1/drift}, on the gauge, at the webhook (event {@code drift}) and as an Event on
 * the policy in that cluster; putting it back resolves it.
 */
class DriftAssemblyTest {

    private static final String POLICY = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db, namespace: app}
            spec:
              podSelector: {matchLabels: {app: db}}
              ingress:
              - from: [{podSelector: {matchLabels: {app: %s}}}]
                ports: [{port: 5432}]
            """;

    @TempDir
    Path dir;

    private final MockCluster aws = MockCluster.start();
    private final MockCluster gcp = MockCluster.start();
    private final HttpClient http = HttpClient.newHttpClient();
    private HookReceiver receiver;
    private CoordinatorAssembly assembly;

    @AfterEach
    void stop() {
        if (assembly != null) {
            assembly.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        aws.close();
        gcp.close();
    }

    private static NetworkPolicy policy(String from) {
        return PolicyInputReader.readString("db.yaml", POLICY.formatted(from)).input().policies().get(0).object();
    }

    private String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(assembly.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private JsonNode group() throws Exception {
        return Json.mapper().readTree(get("/v1/drift")).get("groups").get(0);
    }

    private List<String> events(MockCluster cluster) {
        return cluster.client().events().v1().events().inNamespace("app").list().getItems().stream()
                .map(e -> e.getReason() + " " + e.getRegarding().getKind() + " " + e.getRegarding().getName() + ": "
                        + e.getNote()).toList();
    }

    @Test
    void aHandEditInOneClusterIsDriftEverywhereItShouldShowAndPuttingItBackResolvesIt() throws Exception {
        aws.client().network().v1().networkPolicies().inNamespace("app").resource(policy("web")).create();
        gcp.client().network().v1().networkPolicies().inNamespace("app").resource(policy("web")).create();
        receiver = HookReceiver.start();
        List<ClusterAccess> clusters = List.of(
                new ClusterAccess("aws", "cluster aws", Optional.of(aws.kubeconfig(dir.resolve("aws"))), Optional.empty()),
                new ClusterAccess("gcp", "cluster gcp", Optional.of(gcp.kubeconfig(dir.resolve("gcp"))), Optional.empty()));
        KubernetesSettings kubernetes = new KubernetesSettings(clusters, PoliciesInForce.of(Optional.empty(),
                List.of("aws", "gcp")), Optional.empty(), "--kubeconfig", Optional.empty(), "config", "test",
                List.of(new SyncGroup("app", List.of("aws", "gcp"), List.of("app"), Optional.empty(), "each other")));
        assembly = CoordinatorAssembly.start(AssemblySettings.of(CoordinatorSettings.defaults(0,
                Map.of("aws", "a", "gcp", "g")), List.of(LabExpectation.loaded("lab", Duration.ofSeconds(60))))
                .withTelemetry(() -> Telemetry.builder().build()).withKubernetes(Optional.of(kubernetes))
                .withWebhook(Optional.of(WebhookConfig.fromEnv(receiver.url(),
                        Map.of(WebhookConfig.SECRET_ENV, "s3cret")))));
        await().atMost(Duration.ofSeconds(10)).until(() -> group().get("waitingFor").isEmpty());
        assertThat(group().get("drift")).isEmpty();

        gcp.client().network().v1().networkPolicies().inNamespace("app").resource(policy("other")).update();

        await().atMost(Duration.ofSeconds(10)).until(() -> !group().get("drift").isEmpty());
        JsonNode drift = group().get("drift").get(0);
        assertThat(drift.get("name").asText()).isEqualTo("db");
        assertThat(drift.get("clusters").toString()).isEqualTo("{\"aws\":\"present\",\"gcp\":\"differs\"}");
        assertThat(drift.get("fields").get(0).asText()).isEqualTo(
                "spec.ingress[0].from[0].podSelector.matchLabels.app: \"web\" (aws) vs \"other\" (gcp)");
        assertThat(get("/metrics")).contains("reachproof_policy_drift{k8s_cluster_name=\"gcp\",k8s_namespace_name=\"app\"",
                "reachproof_policy_drift{k8s_cluster_name=\"aws\",k8s_namespace_name=\"app\"");
        await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.deliveries().isEmpty() && !events(gcp).isEmpty());
        assertThat(receiver.deliveries()).singleElement().asString().startsWith("drift {\"schema\":\"reachproof.io/drift-signal/v1\"")
                .contains("\"state\":\"drifted\"", "\"group\":\"app\"", "\"gcp\":\"differs\"");
        assertThat(events(gcp)).singleElement().asString()
                .startsWith("PolicyDrift NetworkPolicy db: app/db of sync group app: differs in gcp (reference: aws)");
        assertThat(events(aws)).as("aws carries the reference").isEmpty();
        RoundReport round = assembly.coordinator().rounds().runNow("lab").report().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertThat(round.drift()).as("the round report's drift section").singleElement().satisfies(section -> {
            assertThat(section.group()).isEqualTo("app");
            assertThat(section.drift()).singleElement().satisfies(p -> {
                assertThat(p.namespace() + "/" + p.name()).isEqualTo("app/db");
                assertThat(p.clusters()).containsExactly(entry("aws", "present"), entry("gcp", "differs"));
            });
        });

        gcp.client().network().v1().networkPolicies().inNamespace("app").resource(policy("web")).update();

        await().atMost(Duration.ofSeconds(10)).until(() -> group().get("drift").isEmpty() && receiver.deliveries().size() == 2);
        assertThat(receiver.deliveries().get(1)).contains("\"state\":\"resolved\"");
        await().atMost(Duration.ofSeconds(10)).until(() -> events(gcp).size() == 2);
        assertThat(events(gcp)).anyMatch(e -> e.startsWith("PolicyInSync NetworkPolicy db: app/db of sync group app: in sync"));
    }
}
