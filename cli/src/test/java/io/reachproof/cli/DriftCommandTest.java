package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reachproof drift} on a snapshot of the dataplane lab's three clusters, each carrying the example policies,
 * then drifted: a policy edited by hand in one cluster, a hotfix applied in another.
 */
class DriftCommandTest {

    private static final Path EXAMPLES = Path.of("..", "expectations", "examples", "dataplane");
    private static final List<String> CLUSTERS = List.of("aws-lab", "azure-lab", "gcp-lab");
    private static final String HOTFIX = """
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: hotfix-allow-all, namespace: shop}
            spec:
              podSelector: {}
              ingress:
              - {}
            """;

    private final CliRun cli = new CliRun();
    private final ObjectMapper mapper = new ObjectMapper();

    @TempDir
    Path snapshot;

    @BeforeEach
    void writeSnapshot() throws IOException {
        for (String cluster : CLUSTERS) {
            Path dir = Files.createDirectories(snapshot.resolve(cluster).resolve("policies"));
            Files.copy(EXAMPLES.resolve("topology.yaml"), snapshot.resolve(cluster).resolve("topology.yaml"));
            Files.copy(EXAMPLES.resolve("policies.yaml"), dir.resolve("policies.yaml"));
        }
    }

    private Path policies(String cluster) {
        return snapshot.resolve(cluster).resolve("policies").resolve("policies.yaml");
    }

    private void edit(String cluster, String from, String to) throws IOException {
        String text = Files.readString(policies(cluster));
        assertThat(text).contains(from);
        Files.writeString(policies(cluster), text.replace(from, to));
    }

    @Test
    void clustersCarryingTheSamePoliciesHaveNoDriftAndExitZero() {
        assertThat(cli.run("drift", "--snapshot", snapshot.toString())).as(cli.err()).isZero();

        assertThat(cli.out()).startsWith("drift: no drift: every compared cluster carries the same NetworkPolicies")
                .contains("aws-lab ~ gcp-lab: 0");
    }

    @Test
    void aHandEditAndAHotfixAreDriftRankedByTheCellsTheyChangeInTheJsonContract() throws IOException {
        edit("gcp-lab", "podSelector: {matchLabels: {app: checkout, tier: api}}", "podSelector: {matchLabels: {app: checkout}}");
        Files.writeString(policies("aws-lab"), HOTFIX, java.nio.file.StandardOpenOption.APPEND);

        assertThat(cli.run("drift", "--snapshot", snapshot.toString(), "--format", "json")).as(cli.err()).isEqualTo(1);

        JsonNode root = mapper.readTree(cli.out());
        List<String> top = new ArrayList<>();
        root.fieldNames().forEachRemaining(top::add);
        assertThat(top).containsExactly("drift", "clusterPairs");
        JsonNode hotfix = root.get("drift").get(0);
        assertThat(hotfix.get("namespace").asText() + "/" + hotfix.get("name").asText()).isEqualTo("shop/hotfix-allow-all");
        assertThat(hotfix.get("clusters").toString())
                .isEqualTo("{\"aws-lab\":\"extra\",\"azure-lab\":\"absent\",\"gcp-lab\":\"absent\"}");
        JsonNode edited = root.get("drift").get(1);
        assertThat(edited.get("name").asText()).isEqualTo("payments-from-checkout");
        assertThat(edited.get("clusters").toString())
                .isEqualTo("{\"aws-lab\":\"present\",\"azure-lab\":\"present\",\"gcp-lab\":\"differs\"}");
        assertThat(edited.get("fields")).singleElement().extracting(JsonNode::asText).isEqualTo(
                "spec.ingress[0].from[0].podSelector.matchLabels.tier: \"api\" (aws-lab, azure-lab) vs (absent) (gcp-lab)");
        assertThat(hotfix.get("cellsAffected").asLong()).isGreaterThan(edited.get("cellsAffected").asLong())
                .isGreaterThan(0);
        assertThat(root.get("clusterPairs").toString()).contains("{\"a\":\"aws-lab\",\"b\":\"azure-lab\",\"cellsDiffering\":"
                + hotfix.get("cellsAffected").asLong() + "}");
    }

    @Test
    void againstTheRepositorysPoliciesAtARevisionAClusterMissingAPolicySaysSo(@TempDir Path repo) throws Exception {
        Files.copy(EXAMPLES.resolve("policies.yaml"), repo.resolve("policies.yaml"));
        DiffCommandTest.git(repo, "init", "-q");
        DiffCommandTest.git(repo, "add", ".");
        DiffCommandTest.git(repo, "commit", "-q", "-m", "policies");
        edit("azure-lab", "name: payments-from-checkout", "name: payments-from-checkout-renamed");

        assertThat(cli.run("drift", "--snapshot", snapshot.toString(), "--source", "git:HEAD:policies.yaml",
                "--repo", repo.toString()))
                .as(cli.err()).isEqualTo(1);

        assertThat(cli.out()).contains("against git:HEAD:policies.yaml",
                "payments/payments-from-checkout: missing in azure-lab (reference: source)",
                "payments/payments-from-checkout-renamed: extra in azure-lab (reference: source)");
    }

    @Test
    void aPolicyTheApiServerWouldRejectExitsTwoNamingItsPlace() throws IOException {
        edit("gcp-lab", "podSelector: {matchLabels: {app: checkout, tier: api}}", "podSelector: {matchLabels: {\"app@x\": checkout}}");

        assertThat(cli.run("drift", "--snapshot", snapshot.toString())).isEqualTo(2);

        assertThat(cli.err()).contains(policies("gcp-lab") + ":").contains("app@x").doesNotContain("Exception");
    }
}
