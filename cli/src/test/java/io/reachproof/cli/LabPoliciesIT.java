package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.policy.Located;
import io.reachproof.policy.PolicyEngine;
import io.reachproof.policy.PolicyInput;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.policy.TruthTable;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.MismatchText;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Responder;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.Verdict;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reachproof lab --expectations lab-policies.yaml --policies policies/lab}: HOLEs exactly where the policies deny. */
class LabPoliciesIT {

    private static final String EXAMPLES = "../expectations/examples/";
    private static final String EXPECTATIONS = EXAMPLES + "lab-policies.yaml";
    private static final String POLICIES = EXAMPLES + "policies/lab";

    private final CliRun cli = new CliRun();
    private final String net = "127." + ThreadLocalRandom.current().nextInt(100, 250);

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * The engine's own truth table, independently of the coordinator: per lab cluster, its agents as Pods
     * (HTTP responders as TCP ports), cells as {@code fromAgent -> toAgent:port} by verdict.
     */
    private Map<Verdict, Set<String>> engineTable() {
        PolicyInputReader.Result read = PolicyInputReader.read(List.of(Path.of(POLICIES)), List.of());
        assertThat(read.errors()).isEmpty();
        Map<String, List<AgentIdentity>> byCluster = LabFleet.agents(9, net).stream()
                .collect(Collectors.groupingBy(AgentIdentity::cluster, TreeMap::new, Collectors.toList()));
        Map<Verdict, Set<String>> cells = Map.of(Verdict.ALLOW, new HashSet<>(), Verdict.DENY, new HashSet<>());
        byCluster.forEach((cluster, agents) -> {
            Map<String, Namespace> namespaces = new TreeMap<>();
            List<Pod> pods = agents.stream().map(a -> {
                namespaces.put(a.namespace(), new NamespaceBuilder().withNewMetadata().withName(a.namespace())
                        .withLabels(a.namespaceLabels()).endMetadata().build());
                return new PodBuilder().withNewMetadata().withNamespace(a.namespace()).withName(a.pod())
                        .withLabels(a.podLabels()).endMetadata()
                        .withNewSpec().withContainers(new ContainerBuilder().withName("agent").withPorts(a.responders().stream()
                                .map(r -> new ContainerPortBuilder().withContainerPort(r.port())
                                        .withProtocol(r.protocol().equals("HTTP") ? "TCP" : r.protocol()).build())
                                .toList()).build()).endSpec()
                        .withNewStatus().withPodIP(a.addresses().get(0)).endStatus().build();
            }).toList();
            PolicyEngine.Result compiled = PolicyEngine.compile(new PolicyInput(read.input().policies(),
                    namespaces.values().stream().map(n -> Located.inCode(n, cluster)).toList(),
                    pods.stream().map(p -> Located.inCode(p, cluster)).toList(), List.of()));
            TruthTable table = compiled.table().orElseThrow();
            for (TruthTable.Cell c : table.cells()) {
                cells.get(c.verdict()).add(c.from().substring(c.from().indexOf('/') + 1) + " -> "
                        + c.to().substring(c.to().indexOf('/') + 1) + ":" + c.port());
            }
        });
        return cells;
    }

    private static String key(CellResult c) {
        return c.from().agentId() + " -> " + c.to().agentId() + ":" + c.port();
    }

    @Test
    void theLabShowsAHoleForExactlyThePairsTheEngineDenies() throws Exception {
        Map<Verdict, Set<String>> engine = engineTable();
        int line = Files.readAllLines(Path.of(EXPECTATIONS)).indexOf("  fromPolicies:") + 1;

        int exit = cli.run("lab", "--port", String.valueOf(freePort()), "--duration", "6s", "--json", "--loopback-net", net,
                "--expectations", EXPECTATIONS, "--policies", POLICIES);

        assertThat(exit).as(cli.err()).isEqualTo(Main.EXIT_FAILED);
        RoundReport report = Json.mapper().readValue(cli.out(), RoundReport.class);
        assertThat(report.expectation()).isEqualTo("lab-policies");
        assertThat(report.coverage()).isEqualTo(1.0);
        assertThat(engine.get(Verdict.DENY)).isNotEmpty();
        assertThat(engine.get(Verdict.ALLOW)).isNotEmpty();
        List<CellResult> inCluster = report.cells().stream().filter(c -> c.from().cluster().equals(c.to().cluster())).toList();
        List<CellResult> across = report.cells().stream().filter(c -> !c.from().cluster().equals(c.to().cluster())).toList();
        assertThat(report.cells()).hasSize(216).allSatisfy(c -> {
            assertThat(c.observed()).isEqualTo(ObservedVerdict.ALLOW);
            assertThat(c.rule()).isEqualTo(EXPECTATIONS + ":" + line);
        });
        assertThat(inCluster.stream().map(LabPoliciesIT::key))
                .containsExactlyInAnyOrderElementsOf(union(engine.get(Verdict.ALLOW), engine.get(Verdict.DENY)));
        assertThat(inCluster).filteredOn(c -> c.expected() == Verdict.DENY).extracting(LabPoliciesIT::key)
                .containsExactlyInAnyOrderElementsOf(engine.get(Verdict.DENY));
        // across clusters the lab's policies (selectors only, no ipBlock) match nothing: checkout and payments take
        // nothing from another cluster, the frontend (not isolated) everything; one agent pair per cluster pair
        assertThat(across).hasSize(162).allSatisfy(c -> assertThat(c.expected())
                .isEqualTo(c.toGroup().equals("frontend") ? Verdict.ALLOW : Verdict.DENY));
        assertThat(report.mismatches()).extracting(Mismatch::kind).containsOnly(MismatchKind.HOLE);
        assertThat(report.mismatches()).hasSize(engine.get(Verdict.DENY).size() + 108);
        assertThat(report.mismatches().stream().filter(m -> m.cell().from().cluster().equals(m.cell().to().cluster()))
                .map(m -> key(m.cell()))).containsExactlyInAnyOrderElementsOf(engine.get(Verdict.DENY));
        assertThat(report.mismatches()).allSatisfy(m -> assertThat(m.cell().explain()).as("the engine's reason, in the JSON")
                .matches(m.cell().from().cluster().equals(m.cell().to().cluster())
                        ? "ingress to (shop|payments)/[a-z]+-\\d+: denied: isolated for ingress by .* and no rule allows"
                                + " (shop|payments)/[a-z]+-\\d+ on 700[123]/(TCP|UDP)"
                        : "ingress to [a-z]+-lab/(shop|payments)/[a-z]+-\\d+: denied: isolated for ingress by .* and no rule"
                                + " allows [a-z]+-lab/(shop|payments)/[a-z]+-\\d+ arriving from " + m.cell().from().address()
                                + " \\(a pod of another cluster: only ipBlock peers match it\\) on 700[123]/(TCP|UDP)"));
        assertThat(report.mismatches()).allSatisfy(m -> assertThat(m.cell().decidedBy())
                .matches((m.cell().from().cluster().equals(m.cell().to().cluster()) ? ""
                        : "ingress of cluster " + m.cell().to().cluster() + ": ")
                        + "NetworkPolicy (shop|payments)/[a-z-]+ \\(" + POLICIES + "/(shop|payments)\\.yaml:\\d+\\)"));
        assertThat(cli.err()).contains(" of lab-policies at ").contains(" UTC: 216 cells, coverage 100%, 132 mismatches, agents ");
        // the table shows the first 20 mismatches: cross-cluster ones come first
        assertThat(cli.err()).contains("HOLE    shop/frontend-0 (aws-lab) -> shop/checkout-5 (azure-lab)  7001/TCP  expected deny,"
                + " observed allow (CONNECTED)  rule " + EXPECTATIONS + ":" + line + " (ingress of cluster azure-lab: NetworkPolicy"
                + " shop/checkout-from-frontend (" + POLICIES + "/shop.yaml:3))");
        assertThat(report.mismatches()).anySatisfy(m -> assertThat(MismatchText.row(m)).isEqualTo("HOLE    shop/frontend-0 (aws-lab)"
                + " -> payments/payments-6 (aws-lab)  7001/TCP  expected deny, observed allow (CONNECTED)  rule " + EXPECTATIONS + ":"
                + line + " (NetworkPolicy payments/default-deny-ingress (" + POLICIES + "/payments.yaml:2))"));
        assertThat(report.cells()).filteredOn(c -> c.port() == 7003)
                .allSatisfy(c -> assertThat(c.protocol()).isEqualTo(Protocol.HTTP));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void fromPoliciesWithoutPoliciesIsAnErrorNamingTheExpectationAndTheOption() throws Exception {
        int exit = cli.run("lab", "--port", String.valueOf(freePort()), "--loopback-net", net, "--expectations", EXPECTATIONS);

        assertThat(exit).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err()).isEqualTo(EXPECTATIONS + ":23:3: expectation lab-policies takes its verdicts from the"
                + " NetworkPolicies (spec.fromPolicies), but no policies are configured: give them with --policies PATH"
                + System.lineSeparator());
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void anInvalidPolicyFileIsAnErrorNamingFileLineAndColumn(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"NetworkPolicy\",\n"
                + " \"metadata\": {\"name\": \"bad\", \"namespace\": \"shop\"},\n"
                + " \"spec\": {\"podSelector\": {}, \"ingress\": [{\"ports\": [{\"port\": 7001, \"endPort\": 7000}]}]}}\n");

        int exit = cli.run("lab", "--port", String.valueOf(freePort()), "--loopback-net", net, "--expectations", EXPECTATIONS,
                "--policies", bad.toString());

        assertThat(exit).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err()).startsWith(bad + ":3:").contains("NetworkPolicy shop/bad").doesNotContain("\tat ");
        assertThat(cli.out()).isEmpty();
    }
}
