package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reachproof.cli.dataplane.Shell;
import io.reachproof.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reachproof lab --dataplane} with a cluster that SNATs its egress: the coordinator derives the cells across
 * clusters from both sides' live policies with that cluster's egress addresses (the lab's), the node agents probe
 * them as the pods, and the packets agree: checkout's API takes aws-lab's pods (arriving from aws-lab's nodes) and not
 * gcp-lab's (arriving from their pod addresses).
 */
class LabSnatIT {

    private static final String CLUSTERS = "clusters:\n- {name: aws-lab, profile: reference, egress: snat}\n"
            + "- {name: gcp-lab, profile: reference}\n";
    private static final String EXPECTATIONS = """
            apiVersion: reachproof.io/v1alpha1
            kind: ConnectivityExpectation
            metadata: {name: snat}
            spec:
              interval: 3s
              groups:
                frontend: {namespace: shop, podSelector: {matchLabels: {app: frontend}}}
                checkout: {namespace: shop, podSelector: {matchLabels: {app: checkout}}}
              fromPolicies: {groups: [frontend, checkout], ports: ["8443/TCP"]}
            """;

    @TempDir
    Path dir;

    @Test
    void cellsAcrossClustersAreDerivedWithTheSnatClustersNodeAddressesAndProvenOnTheWire() throws Exception {
        String prefix = DataplaneLabIT.labPrefix("rps");
        Path clusters = Files.writeString(dir.resolve("clusters.yaml"), CLUSTERS);
        Path expectations = Files.writeString(dir.resolve("snat.yaml"), EXPECTATIONS);
        CliRun cli = new CliRun();

        int exit = cli.run("lab", "--dataplane", "--netns-prefix", prefix, "--lab-dir", dir.toString(), "--port",
                String.valueOf(DataplaneLabIT.freePort()), "--duration", "10s", "--json", "--clusters", clusters.toString(),
                "--expectations", expectations.toString());

        assertThat(exit).as(cli.err()).isEqualTo(Main.EXIT_OK);
        assertThat(cli.err()).contains("aws-lab: its pods' traffic to other clusters leaves SNATed to its nodes' addresses"
                + " [10.199.0.1/32, 10.199.0.2/32]");
        JsonNode report = Json.mapper().readTree(cli.out());
        assertThat(report.get("coverage").asDouble()).isEqualTo(1.0);
        assertThat(report.get("mismatches")).isEmpty();
        List<String> cells = new ArrayList<>();
        report.get("cells").forEach(c -> cells.add(c.get("fromGroup").asText() + "->" + c.get("toGroup").asText() + " "
                + c.get("from").get("cluster").asText() + "->" + c.get("to").get("cluster").asText() + " expected "
                + c.get("expected").asText().toLowerCase() + " observed " + c.get("observed").asText().toLowerCase()));
        assertThat(cells).containsExactlyInAnyOrder(
                "frontend->checkout aws-lab->aws-lab expected allow observed allow",
                "frontend->checkout gcp-lab->gcp-lab expected allow observed allow",
                // the SNAT path: gcp-lab's checkout takes aws-lab's nodes' addresses (10.199.0.0/16) ...
                "frontend->checkout aws-lab->gcp-lab expected allow observed allow",
                "checkout->checkout aws-lab->gcp-lab expected allow observed allow",
                // ... the flat path: aws-lab's checkout does not take gcp-lab's pod addresses
                "frontend->checkout gcp-lab->aws-lab expected deny observed deny",
                "checkout->checkout gcp-lab->aws-lab expected deny observed deny");
        report.get("cells").forEach(c -> {
            if (c.get("from").get("cluster").asText().equals("aws-lab") && c.get("to").get("cluster").asText().equals("gcp-lab")) {
                assertThat(c.get("decidedBy").asText()).startsWith("ingress of cluster gcp-lab: NetworkPolicy"
                        + " shop/checkout-from-other-clusters");
                assertThat(c.get("explain").asText()).contains("arriving from 10.199.0.1, 10.199.0.2 (SNAT of cluster aws-lab)");
            }
        });
        assertThat(Arrays.stream(Shell.run(null, "ip", "netns", "list").split("\n")).map(l -> l.strip().split(" ")[0])
                .filter(n -> n.startsWith(prefix + "-")).toList()).as("namespaces left after the lab stopped").isEmpty();
    }
}
