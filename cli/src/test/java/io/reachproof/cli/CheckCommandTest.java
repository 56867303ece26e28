package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code reachproof check} on the example shop cluster: golden output per format, exit codes 0, 1 and 2. */
class CheckCommandTest {

    static final Path EXAMPLES = Path.of("..", "expectations", "examples", "policies");
    static final String MANIFESTS = EXAMPLES.resolve("manifests").toString();
    static final String DUMP = EXAMPLES.resolve("cluster-dump.yaml").toString();
    static final String PROMISES = EXAMPLES.resolve("shop-expectations.yaml").toString();

    private final CliRun cli = new CliRun();

    /** The golden file {@code src/test/resources/golden/NAME}; REACHPROOF_GOLDEN_UPDATE=1 rewrites it. */
    static String golden(String name, String actual) throws IOException {
        Path file = Path.of("src", "test", "resources", "golden", name);
        if (System.getenv("REACHPROOF_GOLDEN_UPDATE") != null) {
            Files.writeString(file, actual);
        }
        return Files.readString(file);
    }

    @ParameterizedTest
    @EnumSource(ReportFormat.class)
    void seededViolationsExitOneAndPrintAsTheGoldenFileSays(ReportFormat format) throws IOException {
        int exit = cli.run("check", "--expectations", PROMISES, "--policies", MANIFESTS, "--topology", DUMP,
                "--format", format.name());

        assertThat(exit).isEqualTo(1);
        assertThat(cli.out()).isEqualTo(golden("check." + format.name(), cli.out()));
        assertThat(cli.err()).isEmpty();
    }

    @Test
    void jsonHasTheContractFieldsAndExactlyTheSeededViolations() throws IOException {
        cli.run("check", "--expectations", PROMISES, "--policies", MANIFESTS, "--topology", DUMP, "--format", "json");

        JsonNode json = new ObjectMapper().readTree(cli.out());
        assertThat(json.get("violations")).hasSize(4);
        assertThat(json.get("violations").get(0).toString()).isEqualTo("{\"cluster\":\"default\","
                + "\"from\":\"shop/frontend-6c9d8b7f5-abcde\",\"to\":\"shop/frontend-6c9d8b7f5-fghij\",\"port\":8080,"
                + "\"protocol\":\"TCP\",\"expected\":\"deny\",\"predicted\":\"allow\",\"kind\":\"HOLE\","
                + "\"rule\":\"" + PROMISES + ":23\",\"reason\":\"ingress to shop/frontend-6c9d8b7f5-fghij: allowed by spec.ingress[0] of NetworkPolicy shop/frontend-public ("
                + MANIFESTS + "/shop.yaml:20) (isolated for ingress by shop/default-deny-ingress, shop/frontend-public)\"}");
        assertThat(json.get("violations")).extracting(v -> v.get("kind").asText())
                .containsExactly("HOLE", "HOLE", "BLOCKED", "BLOCKED");
        assertThat(json.get("warnings")).hasSize(1);
        assertThat(json.get("warnings").get(0).get("message").asText())
                .isEqualTo("proves nothing here: group cache selects no pod");
    }

    @Test
    void keptPromisesExitZero(@TempDir Path dir) throws IOException {
        Path kept = dir.resolve("kept.yaml");
        Files.writeString(kept, Files.readString(Path.of(PROMISES)).lines()
                .filter(l -> !l.contains("frontend, to: frontend") && !l.contains("frontend, to: ledger"))
                .reduce("", (a, b) -> a + b + "\n"));

        assertThat(cli.run("check", "--expectations", kept.toString(), "--policies", MANIFESTS, "--topology", DUMP))
                .isZero();
        assertThat(cli.out()).endsWith("check: all expectations hold: 7 cells checked in 1 cluster; 1 warning\n");
    }

    @Test
    void aLabelTheApiServerWouldRejectExitsTwoWithOneLineNamingFileLineColumn(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: bad, namespace: shop}
                spec:
                  podSelector: {matchLabels: {"app@b": x}}
                """);

        assertThat(cli.run("check", "--expectations", PROMISES, "--policies", bad.toString(), "--topology", DUMP)).isEqualTo(2);

        assertThat(cli.err()).isEqualTo(bad + ":5:40: NetworkPolicy shop/bad: spec.podSelector.matchLabels.app@b:"
                + " invalid label key \"app@b\": the name part must consist of letters, digits, '-', '_' or '.', starting"
                + " and ending with a letter or digit\n");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void aBrokenExpectationFileExitsTwo(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad-expect.yaml");
        Files.writeString(bad, Files.readString(Path.of(PROMISES)).replace("verdict: deny}", "verdict: maybe}"));

        assertThat(cli.run("check", "--expectations", bad.toString(), "--policies", MANIFESTS, "--topology", DUMP)).isEqualTo(2);

        assertThat(cli.err()).startsWith(bad + ":").doesNotContain("Exception").contains("maybe");
    }
}
