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

/** {@code reachproof compile} and {@code explain} over several clusters ({@code --cluster}, {@code --egress-addresses}). */
class MultiClusterPolicyCommandsTest {

    /** east: web (10.0.0.5) may send only to 10.1.0.0/16. */
    private static final String EAST_POLICIES = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web-out, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: web}}
              policyTypes: [Egress]
              egress:
              - to: [{ipBlock: {cidr: 10.1.0.0/16}}]
            """;

    /** west: api (10.1.0.7) takes port 80 only from 203.0.113.0/24; db (10.9.0.3) is not isolated. */
    private static final String WEST_POLICIES = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: api-in, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: api}}
              ingress:
              - from: [{ipBlock: {cidr: 203.0.113.0/24}}]
                ports: [{port: 80}]
            """;

    private static String pod(String name, String app, String ip) {
        return """
                - apiVersion: v1
                  kind: Pod
                  metadata: {name: %s, namespace: shop, labels: {app: %s}}
                  spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
                  status: {podIP: %s}
                """.formatted(name, app, ip);
    }

    private static String topology(String... pods) {
        return "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}\n"
                + String.join("", pods);
    }

    @TempDir
    Path dir;

    private String east;
    private String west;
    private CliRun cli = new CliRun();

    /** A fresh run (a run's output accumulates). */
    private CliRun cli() {
        cli = new CliRun();
        return cli;
    }

    @BeforeEach
    void writeClusters() throws IOException {
        Files.writeString(dir.resolve("east-policies.yaml"), EAST_POLICIES);
        Files.writeString(dir.resolve("east-topology.yaml"), topology(pod("web", "web", "10.0.0.5")));
        Files.writeString(dir.resolve("west-policies.yaml"), WEST_POLICIES);
        Files.writeString(dir.resolve("west-topology.yaml"), topology(pod("api", "api", "10.1.0.7"), pod("db", "db", "10.9.0.3")));
        east = "east=" + dir.resolve("east-policies.yaml") + "," + dir.resolve("east-topology.yaml");
        west = "west=" + dir.resolve("west-policies.yaml") + "," + dir.resolve("west-topology.yaml");
    }

    private List<String> cells(String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("compile", "--cluster", east, "--cluster", west, "--format", "json"));
        args.addAll(List.of(extra));
        assertThat(cli().run(args.toArray(String[]::new))).isZero();
        List<String> out = new ArrayList<>();
        for (JsonNode c : new ObjectMapper().readTree(cli.out()).get("cells")) {
            out.add(c.get("from").asText() + " -> " + c.get("to").asText() + " " + c.get("port").asInt() + "/"
                    + c.get("protocol").asText() + " " + c.get("verdict").asText());
        }
        return out;
    }

    @Test
    void compileJudgesPairsAcrossClustersByAddress() throws IOException {
        assertThat(cells()).containsExactly(
                "east/shop/web -> west/shop/api 80/TCP deny",
                "east/shop/web -> west/shop/db 80/TCP deny",
                "west/shop/api -> east/shop/web 80/TCP allow",
                "west/shop/api -> west/shop/db 80/TCP allow",
                "west/shop/db -> east/shop/web 80/TCP allow",
                "west/shop/db -> west/shop/api 80/TCP deny");
        assertThat(cli.err()).isEmpty();
    }

    @Test
    void theSourceClustersSnatAddressesAreWhatTheDestinationsIngressJudges() throws IOException {
        assertThat(cells("--egress-addresses", "east=203.0.113.9/32")).contains("east/shop/web -> west/shop/api 80/TCP allow",
                "east/shop/web -> west/shop/db 80/TCP deny", "west/shop/db -> west/shop/api 80/TCP deny");
        // several addresses: allowed only when every one is
        assertThat(cells("--egress-addresses", "east=203.0.113.9/32,198.51.100.1/32"))
                .contains("east/shop/web -> west/shop/api 80/TCP deny");
    }

    @Test
    void compileTableNamesPodsWithTheirCluster() {
        assertThat(cli().run("compile", "--cluster", east, "--cluster", west)).isZero();

        assertThat(cli.out()).contains("1  east/shop/web", "2  west/shop/api", "3  west/shop/db", "\n80/TCP\n")
                .contains("1  east/shop/web - . .\n2  west/shop/api X - X\n3  west/shop/db  X . -\n");
    }

    @Test
    void explainNamesTheDestinationsIngressWhenItDecides() {
        assertThat(cli().run("explain", "--cluster", east, "--cluster", west,
                "--from", "east/shop/web", "--to", "west/shop/api", "--port", "80/TCP")).isZero();

        assertThat(cli.out()).isEqualTo(String.join("\n",
                "east/shop/web -> west/shop/api 80/TCP: deny",
                "  egress from east/shop/web: allowed by spec.egress[0] of NetworkPolicy shop/web-out ("
                        + dir.resolve("east-policies.yaml") + ":8) (isolated for egress by shop/web-out) for west/shop/api"
                        + " at 10.1.0.7 (a pod of another cluster: only ipBlock peers match it)",
                "  ingress to west/shop/api: denied: isolated for ingress by shop/api-in and no rule allows east/shop/web"
                        + " arriving from 10.0.0.5 (a pod of another cluster: only ipBlock peers match it) on 80/TCP",
                "decided by: ingress of cluster west: NetworkPolicy shop/api-in (" + dir.resolve("west-policies.yaml") + ":1)",
                ""));
    }

    @Test
    void explainWithSnatNamesTheAllowingIngressRuleAndTheTranslatedAddress() {
        assertThat(cli().run("explain", "--cluster", east, "--cluster", west, "--egress-addresses", "east=203.0.113.9/32",
                "--from", "east/shop/web", "--to", "west/shop/api", "--port", "80")).isZero();

        assertThat(cli.out()).contains("ingress to west/shop/api: allowed by spec.ingress[0] of NetworkPolicy shop/api-in")
                .contains("for east/shop/web arriving from 203.0.113.9 (SNAT of cluster east)")
                .contains("decided by: ingress of cluster west: NetworkPolicy shop/api-in ("
                        + dir.resolve("west-policies.yaml") + ":7)");
    }

    @Test
    void explainNamesTheSourcesEgressWhenItDecides() {
        assertThat(cli().run("explain", "--cluster", east, "--cluster", west,
                "--from", "east/shop/web", "--to", "west/shop/db", "--port", "80/TCP")).isZero();

        assertThat(cli.out()).contains("  egress from east/shop/web: denied: isolated for egress by shop/web-out and no rule"
                + " allows west/shop/db at 10.9.0.3 (a pod of another cluster: only ipBlock peers match it) on 80/TCP")
                .endsWith("decided by: egress of cluster east: NetworkPolicy shop/web-out ("
                        + dir.resolve("east-policies.yaml") + ":1)\n");
        assertThat(cli().run("explain", "--cluster", east, "--cluster", west,
                "--from", "west/shop/db", "--to", "east/shop/web", "--port", "80/TCP")).isZero();
        assertThat(cli.out()).endsWith("decided by: no NetworkPolicy isolates either side\n");
    }

    @Test
    void misuseOfTheClusterOptionsIsAUsageError() {
        assertThat(cli().run("compile", "--cluster", east, "--policies", "p.yaml")).isEqualTo(2);
        assertThat(cli.err()).startsWith("--cluster and --policies/--topology are exclusive");
        assertThat(cli().run("compile", "--cluster", "east=only-one-path")).isEqualTo(2);
        assertThat(cli.err()).startsWith("--cluster must be NAME=POLICIES,TOPOLOGY: east=only-one-path");
        assertThat(cli().run("compile", "--cluster", east, "--egress-addresses", "east=10.0.0.1")).isEqualTo(2);
        assertThat(cli.err()).startsWith("--egress-addresses east: not podIP or a CIDR (10.0.0.1/32): 10.0.0.1");
        assertThat(cli().run("compile", "--cluster", east, "--egress-addresses", "north=podIP")).isEqualTo(2);
        assertThat(cli.err()).startsWith("--egress-addresses names cluster north, which no --cluster gives");
        assertThat(cli().run("explain", "--cluster", east, "--cluster", west,
                "--from", "shop/web", "--to", "west/shop/api", "--port", "80")).isEqualTo(1);
        assertThat(cli.err()).startsWith("--from: no pod shop/web in the topology; did you mean");
    }
}
