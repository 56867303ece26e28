package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reachproof compile} and {@code reachproof explain} on the example policies and cluster dump. */
class PolicyCommandsTest {

    private static final Path EXAMPLES = Path.of("..", "expectations", "examples", "policies");
    private static final String MANIFESTS = EXAMPLES.resolve("manifests").toString();
    private static final String DUMP = EXAMPLES.resolve("cluster-dump.yaml").toString();

    private final CliRun cli = new CliRun();


    @Test
    void compileJsonHasOneObjectPerCellWithExactlyTheContractFields() throws IOException {
        assertThat(cli.run("compile", "--policies", MANIFESTS, "--topology", DUMP, "--format", "json")).isZero();

        JsonNode cells = new ObjectMapper().readTree(cli.out()).get("cells");
        assertThat(cells.size()).isEqualTo(66);
        List<String> fields = new ArrayList<>();
        cells.get(0).fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("from", "to", "port", "protocol", "verdict");
        assertThat(cells).anySatisfy(c -> assertThat(c.toString()).isEqualTo(
                "{\"from\":\"shop/checkout-5b7f9d8c6-h7m4p\",\"to\":\"payments/payments-84d6f7c9b-5tq2w\","
                        + "\"port\":8443,\"protocol\":\"TCP\",\"verdict\":\"allow\"}"));
        assertThat(cells).anySatisfy(c -> assertThat(c.toString()).isEqualTo(
                "{\"from\":\"shop/frontend-6c9d8b7f5-abcde\",\"to\":\"payments/payments-84d6f7c9b-5tq2w\","
                        + "\"port\":8443,\"protocol\":\"TCP\",\"verdict\":\"deny\"}"));
        assertThat(cli.err()).isEmpty();
    }

    @Test
    void theDumpsOwnPoliciesGiveTheSameTableAsTheManifests() {
        assertThat(cli.run("compile", "--policies", MANIFESTS, "--topology", DUMP, "--format", "json")).isZero();
        String fromManifests = cli.out();

        CliRun fromDump = new CliRun();
        assertThat(fromDump.run("compile", "--policies", DUMP, "--topology", DUMP, "--format", "json")).isZero();

        assertThat(fromDump.out()).isEqualTo(fromManifests);
    }

    @Test
    void compileTableHasABlockPerPort() {
        assertThat(cli.run("compile", "--policies", MANIFESTS, "--topology", DUMP)).isZero();

        assertThat(cli.out()).contains("\n5432/TCP\n", "\n8443/TCP\n")
                .contains("4  payments/payments-84d6f7c9b-5tq2w    - - X - - - -");
    }

    @Test
    void invalidPoliciesExitOneWithEveryErrorAndNoStackTrace(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: bad, namespace: shop}
                spec:
                  podSelector: {}
                  ingress:
                  - ports: [{port: http, endPort: 90}, {port: 80, protocol: ICMP}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                """);

        assertThat(cli.run("compile", "--policies", bad.toString(), "--topology", DUMP)).isEqualTo(1);

        assertThat(cli.err()).isEqualTo(String.join("\n",
                bad + ":9: skipped apps/v1 Deployment shop/web"
                        + " (only networking.k8s.io/v1 NetworkPolicy, v1 Namespace and v1 Pod are read)",
                bad + ":7:35: NetworkPolicy shop/bad: spec.ingress[0].ports[0].endPort:"
                        + " endPort cannot be used with the named port \"http\"",
                bad + ":7:61: NetworkPolicy shop/bad: spec.ingress[0].ports[1].protocol:"
                        + " unknown protocol \"ICMP\" (expected TCP, UDP or SCTP)",
                ""));
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void aliasBombsAndDeepNestingExitOneWithTheirPositionAndNoStackTrace(@TempDir Path dir) throws IOException {
        StringBuilder bomb = new StringBuilder("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: bomb, namespace: shop}
                spec:
                  podSelector: {}
                  ingress:
                  - from: &a0 [{podSelector: {}}, {podSelector: {}}]
                """);
        for (int i = 1; i < 24; i++) {
            bomb.append("  - from: &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        }
        Path policies = dir.resolve("bomb.yaml");
        Files.writeString(policies, bomb);
        Path topology = dir.resolve("deep.yaml");
        Files.writeString(topology, "items: " + "[".repeat(2000) + "\n");

        assertThat(cli.run("compile", "--policies", policies.toString(), "--topology", topology.toString())).isEqualTo(1);

        assertThat(cli.err()).isEqualTo(String.join("\n",
                policies + ":19:11: aliases of the anchor &a12 expand the document by more than 100000 nodes (the limit)",
                topology + ":1:107: lists and mappings nest more than 100 levels deep (the limit)",
                ""));
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void explainNamesTheAllowingRuleWithFileAndLine() {
        assertThat(cli.run("explain", "--policies", MANIFESTS, "--topology", DUMP,
                "--from", "shop/checkout-5b7f9d8c6-h7m4p", "--to", "payments/payments-84d6f7c9b-5tq2w", "--port", "8443/TCP"))
                .isZero();

        assertThat(cli.out()).isEqualTo(String.join("\n",
                "shop/checkout-5b7f9d8c6-h7m4p -> payments/payments-84d6f7c9b-5tq2w 8443/TCP: allow",
                "  egress from shop/checkout-5b7f9d8c6-h7m4p: allowed: not isolated"
                        + " (no NetworkPolicy selects shop/checkout-5b7f9d8c6-h7m4p for egress)",
                "  ingress to payments/payments-84d6f7c9b-5tq2w: allowed by spec.ingress[0] of NetworkPolicy"
                        + " payments/payments-api (" + MANIFESTS + "/payments.yaml:22)"
                        + " (isolated for ingress by payments/default-deny, payments/payments-api)",
                ""));
    }

    @Test
    void explainResolvesANamedPortOnTheDestination() {
        assertThat(cli.run("explain", "--policies", MANIFESTS, "--topology", DUMP,
                "--from", "payments/ledger-0", "--to", "kube-system/coredns-76f75df574-x2k9q", "--port", "dns")).isZero();

        assertThat(cli.out()).startsWith("payments/ledger-0 -> kube-system/coredns-76f75df574-x2k9q 53/UDP: deny\n"
                + "  egress from payments/ledger-0: denied: isolated for egress by payments/default-deny"
                + " and no rule allows kube-system/coredns-76f75df574-x2k9q on 53/UDP\n");
    }

    @Test
    void explainOfAnUnknownPodExitsOneNamingTheNearestPod() {
        assertThat(cli.run("explain", "--policies", MANIFESTS, "--topology", DUMP,
                "--from", "shop/frontend", "--to", "payments/ledgr-0", "--port", "5432")).isEqualTo(1);

        assertThat(cli.err()).isEqualTo(
                "--from: no pod shop/frontend in the topology; did you mean shop/frontend-6c9d8b7f5-abcde?\n");
    }

    @Test
    void explainOfASelfPairExitsOne() {
        assertThat(cli.run("explain", "--policies", MANIFESTS, "--topology", DUMP,
                "--from", "payments/ledger-0", "--to", "payments/ledger-0", "--port", "5432")).isEqualTo(1);

        assertThat(cli.err()).isEqualTo("--from and --to are the same pod payments/ledger-0:"
                + " self pairs are not part of the truth table (CNIs disagree on loopback)\n");
    }

    @Test
    void explainOfAPortNameTheDestinationLacksExitsOne() {
        assertThat(cli.run("explain", "--policies", MANIFESTS, "--topology", DUMP,
                "--from", "shop/frontend-6c9d8b7f5-abcde", "--to", "payments/ledger-0", "--port", "http")).isEqualTo(1);

        assertThat(cli.err()).isEqualTo("pod payments/ledger-0 declares no port named http (its ports: 5432/TCP postgres)\n");
    }

    @Test
    void aMalformedPortOrAMissingOptionIsAUsageError() {
        assertThat(cli.run("explain", "--policies", MANIFESTS, "--topology", DUMP,
                "--from", "a/b", "--to", "c/d", "--port", "80/ICMP")).isEqualTo(2);
        assertThat(cli.err()).startsWith(
                "--port must be in 1..65535 with protocol TCP, UDP or SCTP: 80/ICMP\n");

        assertThat(cli.run("compile", "--policies", MANIFESTS)).isEqualTo(2);
        assertThat(cli.err()).contains("Missing required option: '--topology=PATH'");
    }
}
