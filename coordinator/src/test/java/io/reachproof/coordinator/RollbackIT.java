package io.reachproof.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.coordinator.assembly.AssemblySettings;
import io.reachproof.coordinator.assembly.ClusterAccess;
import io.reachproof.coordinator.assembly.CoordinatorAssembly;
import io.reachproof.coordinator.assembly.KubernetesSettings;
import io.reachproof.coordinator.restore.PolicyWriter;
import io.reachproof.coordinator.restore.RollbackMode;
import io.reachproof.coordinator.restore.RollbackScope;
import io.reachproof.coordinator.rollback.WebhookConfig;
import io.reachproof.coordinator.round.ExpectationFiles;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.coordinator.telemetry.Telemetry;
import io.reachproof.coordinator.testing.HookReceiver;
import io.reachproof.coordinator.testing.MockCluster;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollback as an action, end to end: a coordinator watching cluster gcp-lab (fabric8's CRUD mock API server) proves
 * {@code lab-policies.yaml} (fromPolicies) with real agents on loopback, rollback {@code apply} in namespace shop. A
 * change that breaks the proven reachability is restored (server-side apply, field manager reachproof) and the next
 * round proves the restore; the same change applied again is not rolled back twice; by hand, {@code dryRun} writes
 * nothing and names the exact object, and apply restores.
 */
class RollbackIT {

    private static final String SET = "lab-policies";
    private static final String POLICY = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: shop-internal, namespace: shop, labels: {owner: platform}}
            spec:
              podSelector: {}
              policyTypes: [Ingress]
              ingress:
              - from: [{podSelector: {matchLabels: {app: %s}}}]
            """;

    @TempDir
    Path dir;

    private final MockCluster gcp = MockCluster.start();
    private final HttpClient http = HttpClient.newHttpClient();
    private HookReceiver hooks;
    private CoordinatorAssembly assembly;
    private LoopbackFleet fleet;

    @AfterEach
    void stop() {
        if (fleet != null) {
            fleet.close();
        }
        if (assembly != null) {
            assembly.close();
        }
        if (hooks != null) {
            hooks.close();
        }
        gcp.close();
    }

    /** Every pod of shop may talk to frontend and checkout (the proven version), or only to {@code from}. */
    private static NetworkPolicy policy(String from) {
        String yaml = from == null ? POLICY.replace("[{podSelector: {matchLabels: {app: %s}}}]", "[{podSelector: {}}]")
                : POLICY.formatted(from);
        return PolicyInputReader.readString("shop-internal.yaml", yaml).input().policies().get(0).object();
    }

    private NetworkPolicy live() {
        return gcp.client().network().v1().networkPolicies().inNamespace("shop").withName("shop-internal").get();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode status() throws Exception {
        return Json.mapper().readTree(send(HttpRequest.newBuilder(URI.create(assembly.url() + "/v1/rollbacks"))).body());
    }

    private HttpResponse<String> rollBack(String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(assembly.url() + "/v1/rollback"))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private List<String> hooks(String event) {
        return hooks.bodies(event);
    }

    private List<String> events() {
        return gcp.client().events().v1().events().inNamespace("shop").list().getItems().stream()
                .map(e -> e.getReason() + " " + e.getRegarding().getName() + ": " + e.getNote()).toList();
    }

    /** The proven policy, a webhook receiver, the coordinator with rollback in {@code mode} in shop, the agents. */
    private void start(RollbackMode mode) throws Exception {
        gcp.client().network().v1().networkPolicies().inNamespace("shop").resource(policy(null)).create();
        hooks = HookReceiver.start();
        PoliciesInForce policies = PoliciesInForce.of(Optional.empty(), List.of("gcp-lab"));
        LoadedExpectation set = ExpectationFiles.load(List.of(Path.of("../expectations/examples/lab-policies.yaml"))).get(0)
                .withPolicies(policies);
        KubernetesSettings kubernetes = new KubernetesSettings(List.of(new ClusterAccess("gcp-lab", "cluster gcp-lab",
                Optional.of(gcp.kubeconfig(dir.resolve("gcp"))), Optional.empty())), policies, Optional.empty(),
                "--kubeconfig", Optional.empty(), "config", "test", List.of(),
                List.of(new RollbackScope("lab", "gcp-lab", mode, List.of("shop"))));
        assembly = CoordinatorAssembly.start(AssemblySettings.of(LoopbackFleet.settings(0, true), List.of(set))
                .withTelemetry(() -> Telemetry.builder().build()).withKubernetes(Optional.of(kubernetes))
                .withWebhook(Optional.of(WebhookConfig.fromEnv(hooks.url(), Map.of(WebhookConfig.SECRET_ENV, "s3cret")))));
        fleet = new LoopbackFleet(dir.resolve("spools"), LoopbackFleet.sixAgentsInThreeClusters());
        fleet.startAgents(assembly.url());

    }

    @Test
    void aBreakingChangeIsRestoredAndProvenNotRolledBackTwiceAndByHandDryRunWritesNothing() throws Exception {
        start(RollbackMode.APPLY);

        // a complete round without a mismatch proves the cluster's policies: its last proven version
        await().atMost(Duration.ofSeconds(60)).until(() -> status().get("proven").has("gcp-lab"));
        JsonNode proven = status().get("proven").get("gcp-lab").get(0);
        assertThat(proven.get("policies").toString()).isEqualTo("[\"shop/shop-internal\"]");
        String version = proven.get("version").asText();
        assertThat(status().get("rollback").toString()).isEqualTo(
                "[{\"cluster\":\"gcp-lab\",\"group\":\"lab\",\"mode\":\"apply\",\"namespaces\":[\"shop\"]}]");

        // a change that breaks it: frontend and checkout no longer reach each other (expected deny, a HOLE on loopback)
        gcp.client().network().v1().networkPolicies().inNamespace("shop").resource(policy("nobody")).update();

        await().atMost(Duration.ofSeconds(60)).until(() -> !hooks("rolledBack").isEmpty());
        JsonNode rolled = Json.mapper().readTree(hooks("rolledBack").get(0));
        assertThat(rolled.get("outcome").asText()).isEqualTo("applied");
        assertThat(rolled.get("version").asText()).isEqualTo(version);
        assertThat(rolled.get("suspectChange").get("name").asText()).isEqualTo("shop-internal");
        assertThat(rolled.get("actions")).hasSize(1);
        assertThat(rolled.get("actions").get(0).get("action").asText()).isEqualTo("restore");
        assertThat(live().getSpec().getIngress().get(0).getFrom().get(0).getPodSelector().getMatchLabels())
                .as("the proven version is back").isNullOrEmpty();
        assertThat(live().getMetadata().getManagedFields()).as("written by server-side apply as reachproof")
                .anyMatch(f -> PolicyWriter.FIELD_MANAGER.equals(f.getManager()) && "Apply".equals(f.getOperation()));
        assertThat(live().getMetadata().getLabels()).containsEntry("owner", "platform");
        // the restore is proven: the signal of the broken change resolves
        await().atMost(Duration.ofSeconds(60)).until(() -> hooks.deliveries().stream().anyMatch(h -> h.contains("\"state\":\"resolved\"")));
        await().atMost(Duration.ofSeconds(10)).until(() -> events().stream().anyMatch(e -> e.startsWith("RolledBack shop-internal")));

        // GitOps applies the broken version again: not rolled back a second time, and said so
        gcp.client().network().v1().networkPolicies().inNamespace("shop").resource(policy("nobody")).update();
        await().atMost(Duration.ofSeconds(60)).until(() -> !hooks("rollback").isEmpty());
        JsonNode again = Json.mapper().readTree(hooks("rollback").get(0));
        assertThat(again.get("outcome").asText()).isEqualTo("not-again");
        assertThat(again.get("message").asText()).contains("not rolled back again");
        assertThat(live().getSpec().getIngress().get(0).getFrom().get(0).getPodSelector().getMatchLabels())
                .containsEntry("app", "nobody");
        assertThat(hooks("rolledBack")).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> events().stream().anyMatch(e -> e.startsWith("RollbackNotAgain")));

        // by hand: a dry run names the exact object and writes nothing
        String resourceVersion = live().getMetadata().getResourceVersion();
        HttpResponse<String> dry = rollBack("{\"cluster\":\"gcp-lab\",\"to\":\"last-proven\",\"dryRun\":true}");
        assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
        JsonNode dryRun = Json.mapper().readTree(dry.body());
        assertThat(dryRun.get("outcome").asText()).isEqualTo("dry-run");
        JsonNode object = dryRun.get("actions").get(0).get("object");
        assertThat(object.get("metadata").toString()).isEqualTo(
                "{\"labels\":{\"owner\":\"platform\"},\"name\":\"shop-internal\",\"namespace\":\"shop\"}");
        assertThat(object.get("spec").get("ingress").toString()).isEqualTo("[{\"from\":[{\"podSelector\":{}}]}]");
        assertThat(live().getMetadata().getResourceVersion()).as("a dry run writes nothing").isEqualTo(resourceVersion);

        // and applied by hand, to a version named
        HttpResponse<String> applied = rollBack("{\"cluster\":\"gcp-lab\",\"to\":\"" + version + "\"}");
        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
        assertThat(Json.mapper().readTree(applied.body()).get("outcome").asText()).isEqualTo("applied");
        assertThat(live().getSpec().getIngress().get(0).getFrom().get(0).getPodSelector().getMatchLabels()).isNullOrEmpty();

        // mistakes are 400s naming them
        HttpResponse<String> unknown = rollBack("{\"cluster\":\"aws-lab\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("cluster aws-lab has no rollback", "clusters with one: gcp-lab");
        HttpResponse<String> noVersion = rollBack("{\"cluster\":\"gcp-lab\",\"to\":\"pv-000000000000\"}");
        assertThat(noVersion.statusCode()).isEqualTo(400);
        assertThat(noVersion.body()).contains("no proven policy version pv-000000000000", version);
        assertThat(rollBack("{\"to\":\"last-proven\"}").body()).contains("cluster");
    }

    @Test
    void inDryRunModeTheRollbackItWouldDoIsReportedWithTheExactObjectAndNothingIsWritten() throws Exception {
        start(RollbackMode.DRY_RUN);
        await().atMost(Duration.ofSeconds(60)).until(() -> status().get("proven").has("gcp-lab"));

        gcp.client().network().v1().networkPolicies().inNamespace("shop").resource(policy("nobody")).update();
        String broken = live().getMetadata().getResourceVersion();

        await().atMost(Duration.ofSeconds(60)).until(() -> !hooks("rollback").isEmpty());
        JsonNode dry = Json.mapper().readTree(hooks("rollback").get(0));
        assertThat(dry.get("outcome").asText()).isEqualTo("dry-run");
        assertThat(dry.get("mode").asText()).isEqualTo("dry-run");
        assertThat(dry.get("message").asText()).startsWith("would restore proven version ");
        assertThat(dry.get("actions").get(0).get("object").get("spec").get("ingress").toString())
                .isEqualTo("[{\"from\":[{\"podSelector\":{}}]}]");
        await().atMost(Duration.ofSeconds(10)).until(() -> events().stream().anyMatch(e -> e.startsWith("RollbackDryRun")));
        assertThat(live().getMetadata().getResourceVersion()).as("a dry run writes nothing").isEqualTo(broken);
        assertThat(hooks("rolledBack")).isEmpty();
        assertThat(status().get("rollbacks").get(0).get("outcome").asText()).isEqualTo("dry-run");
    }
}
