package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.reachproof.cli.dataplane.Dataplane;
import io.reachproof.cli.dataplane.PodApps;
import io.reachproof.cli.dataplane.Shell;
import io.reachproof.coordinator.assembly.Coordinator;
import io.reachproof.coordinator.assembly.CoordinatorSettings;
import io.reachproof.coordinator.kube.PodInventory;
import io.reachproof.coordinator.round.ExpectationFiles;
import io.reachproof.coordinator.round.RoundSettings;
import io.reachproof.coordinator.testing.MockCluster;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.RoundReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Workload mode end to end on real packets: a cluster of network namespaces (two nodes, four pods, nftables rules
 * inside the pods), its Pods and Namespaces served by fabric8's mock API server (CRUD mode), the coordinator
 * planning those pods, and two node agents in workload mode (real {@code reachproof agent} commands) probing from
 * inside the source pods' namespaces to the destination pods. Each verdict is what the kernel did to the packets.
 */
class WorkloadModeIT {

    private static final String CLUSTER = "aws-lab";
    private static final String EXPECTATIONS = """
            apiVersion: reachproof.io/v1alpha1
            kind: ConnectivityExpectation
            metadata: {name: shop}
            spec:
              interval: 1h
              groups:
                frontend: {namespace: shop, podSelector: {matchLabels: {app: frontend}}}
                checkout: {namespace: shop, podSelector: {matchLabels: {app: checkout}}}
                payments: {namespace: payments, podSelector: {matchLabels: {app: payments}}}
                ledger: {namespace: payments, podSelector: {matchLabels: {app: ledger}}}
              expect:
                - {from: checkout, to: payments, ports: ["7070/TCP", "7073/UDP"], verdict: allow}
                - {from: checkout, to: payments, ports: ["7071/TCP"], verdict: allow}
                - {from: frontend, to: payments, ports: ["7072/TCP"], verdict: deny}
                - {from: frontend, to: payments, ports: ["8443/TCP"], verdict: allow}
                - {from: frontend, to: ledger, ports: ["9000/TCP"], verdict: allow}
                - {from: frontend, to: checkout, ports: [{port: 7074, protocol: HTTP, path: /healthz}], verdict: allow}
            """;

    private static Dataplane dataplane;
    private static PodApps apps;
    private static MockCluster api;
    private static PodInventory inventory;
    private static Coordinator coordinator;
    private static final List<AgentCommand> agents = new ArrayList<>();
    private static final List<CompletableFuture<Integer>> exits = new ArrayList<>();
    private static final CliRun cli = new CliRun();
    private static Path spool;
    private static Dataplane.Pod frontend;
    private static Dataplane.Pod checkout;
    private static Dataplane.Pod payments;
    private static Dataplane.Pod ledger;

    private static Pod apiPod(Dataplane.Pod p, String app, int... declared) {
        Pod pod = new PodBuilder().withNewMetadata().withNamespace(p.namespace()).withName(p.name())
                .withLabels(Map.of("app", app)).endMetadata().withNewSpec().withNodeName(p.node()).addNewContainer()
                .withName("app").withImage("app").endContainer().endSpec().withNewStatus().withPhase("Running")
                .withPodIP(p.ip()).endStatus().build();
        for (int port : declared) {
            pod.getSpec().getContainers().get(0).getPorts().add(new ContainerPortBuilder().withContainerPort(port).build());
        }
        return pod;
    }

    private static void rules(Dataplane.Pod pod, String hook, String... statements) {
        StringBuilder ruleset = new StringBuilder("table inet reachproof_it {\n  chain " + hook + " {\n    type filter hook "
                + hook + " priority 0; policy accept;\n");
        for (String s : statements) {
            ruleset.append("    ").append(s).append('\n');
        }
        Shell.in(pod.netns(), ruleset.append("  }\n}\n").toString(), "nft", "-f", "-");
    }

    private static long counted(Dataplane.Pod pod, String comment) {
        for (String line : Shell.in(pod.netns(), null, "nft", "list", "table", "inet", "reachproof_it").split("\n")) {
            if (line.contains("comment \"" + comment + "\"")) {
                String after = line.substring(line.indexOf("packets ") + "packets ".length());
                return Long.parseLong(after.substring(0, after.indexOf(' ')));
            }
        }
        throw new IllegalStateException("no rule " + comment + " in pod " + pod.name());
    }

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(Shell.whyNoDataplane().isEmpty(), () -> "workload mode on a dataplane of network"
                + " namespaces: " + Shell.whyNoDataplane().orElse(""));
        String prefix = "rpw" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xFFFF));
        dataplane = Dataplane.create(prefix, Map.of(CLUSTER, List.of("node-1", "node-2")));
        frontend = dataplane.addPod(CLUSTER, "node-1", "shop", "frontend");
        checkout = dataplane.addPod(CLUSTER, "node-1", "shop", "checkout");
        payments = dataplane.addPod(CLUSTER, "node-2", "payments", "payments");
        ledger = dataplane.addPod(CLUSTER, "node-2", "payments", "ledger");
        // payments' app serves 8443; ledger declares 9000 but nothing serves it (an app still starting)
        apps = new PodApps();
        apps.serve(payments, 8443, "TCP");
        // the destination counts what arrives from checkout's own address, and drops 7071 (an ingress policy)
        rules(payments, "input", "iif lo accept",
                "ip saddr " + checkout.ip() + " tcp dport 7070 counter comment \"from-checkout\"", "tcp dport 7071 drop");
        // the frontend may not send to 7072 (an egress policy)
        rules(frontend, "output", "oif lo accept", "tcp dport 7072 drop");

        api = MockCluster.start();
        for (String ns : List.of("shop", "payments")) {
            api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                    .create();
        }
        api.client().pods().inNamespace("shop").resource(apiPod(frontend, "frontend")).create();
        api.client().pods().inNamespace("shop").resource(apiPod(checkout, "checkout")).create();
        api.client().pods().inNamespace("payments").resource(apiPod(payments, "payments", 8443)).create();
        api.client().pods().inNamespace("payments").resource(apiPod(ledger, "ledger", 9000)).create();
        inventory = PodInventory.start(api.client(), CLUSTER);

        CoordinatorSettings settings = CoordinatorSettings.defaults(0, Map.of(CLUSTER, "t-aws"))
                .withPollTimeout(Duration.ofSeconds(2)).withScheduled(false).withWorkloadClusters(Set.of(CLUSTER))
                .withRounds(new RoundSettings(Duration.ofSeconds(2), 32, 5, Duration.ofSeconds(8)));
        coordinator = new Coordinator(settings, ExpectationFiles.load("shop.yaml", EXPECTATIONS), Clock.systemUTC(),
                () -> Map.of(CLUSTER, inventory.pods()));
        coordinator.start();
        spool = Files.createTempDirectory("reachproof-workload-it");
        String loopback = "127." + ThreadLocalRandom.current().nextInt(100, 200) + "."
                + ThreadLocalRandom.current().nextInt(1, 250) + ".";
        int host = 1;
        for (String node : List.of("node-1", "node-2")) {
            AgentCommand agent = new AgentCommand();
            agent.env = Map.of();
            CommandLine cmd = cli.wrap(agent);
            String id = "agent-" + node;
            String bind = loopback + host++;
            exits.add(CompletableFuture.supplyAsync(() -> cmd.execute("--id", id, "--cluster", CLUSTER, "--cloud", "aws",
                    "--node", node, "--namespace", "reachproof", "--pod", id, "--bind", bind, "--workload-mode",
                    "--pod-netns", "named:" + Dataplane.podNetnsTemplate(prefix, CLUSTER),
                    "--coordinator", coordinator.url().toString(), "--token", "t-aws",
                    "--spool", spool.resolve(id).toString())));
            agents.add(agent);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> coordinator.registry().snapshot().size() == 2);
    }

    @AfterAll
    static void tearDown() throws Exception {
        agents.forEach(a -> a.stop.countDown());
        for (CompletableFuture<Integer> exit : exits) {
            exit.get(20, TimeUnit.SECONDS);
        }
        if (coordinator != null) {
            coordinator.close();
        }
        if (inventory != null) {
            inventory.close();
        }
        if (api != null) {
            api.close();
        }
        if (apps != null) {
            apps.close();
        }
        if (dataplane != null) {
            dataplane.close();
        }
    }

    private static CellResult cell(RoundReport report, int port) {
        return report.cells().stream().filter(c -> c.port() == port).findFirst().orElseThrow();
    }

    @Test
    void eachVerdictIsWhatTheKernelDidToPacketsSentAsTheSourcePodToTheDestinationPod() throws Exception {
        RoundReport report = coordinator.rounds().runNow("shop").report().toCompletableFuture().get(60, TimeUnit.SECONDS);

        assertThat(report.cells()).extracting(c -> c.from().displayName() + " -> " + c.to().displayName() + " "
                + c.port() + "/" + c.protocol() + " " + c.observed() + (c.reason() == null ? "" : " " + c.reason())
                + (c.outcome() == null ? "" : " " + c.outcome())).containsExactlyInAnyOrder(
                        // a listener borrowed inside payments answered as payments, from checkout's address
                        "shop/checkout -> payments/payments 7070/TCP ALLOW CONNECTED",
                        "shop/checkout -> payments/payments 7073/UDP ALLOW CONNECTED",
                        // dropped by payments' ingress rule: a real deny, so a BLOCKED
                        "shop/checkout -> payments/payments 7071/TCP DENY TIMEOUT",
                        // dropped by frontend's egress rule, as expected
                        "shop/frontend -> payments/payments 7072/TCP DENY TIMEOUT",
                        // the app serves 8443: probed as the app
                        "shop/frontend -> payments/payments 8443/TCP ALLOW CONNECTED",
                        // declared by ledger, served by nobody: never borrowed, never a deny
                        "shop/frontend -> payments/ledger 9000/TCP INCONCLUSIVE TARGET_SELF_CHECK_FAILED",
                        // same node, HTTP: the borrowed listener's identity over HTTP
                        "shop/frontend -> shop/checkout 7074/HTTP ALLOW CONNECTED");
        assertThat(report.mismatches()).singleElement().satisfies(m -> {
            assertThat(m.kind()).hasToString("BLOCKED");
            assertThat(m.cell().port()).isEqualTo(7071);
        });
        assertThat(counted(payments, "from-checkout")).as("packets at payments from checkout's own address").isPositive();
        CellResult borrowed = cell(report, 7070);
        assertThat(borrowed.from().address()).isEqualTo(checkout.ip());
        assertThat(borrowed.from().agentId()).isEqualTo("agent-node-1");
        assertThat(borrowed.to().address()).isEqualTo(payments.ip());
        assertThat(borrowed.to().node()).isEqualTo("node-2");
        assertThat(borrowed.to().agentId()).isEqualTo("agent-node-2");
    }
}
