package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.reachproof.cli.dataplane.Shell;
import io.reachproof.coordinator.kube.KubernetesClients;
import io.reachproof.coordinator.kube.KubernetesEventSink;
import io.reachproof.protocol.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code reachproof lab --dataplane} end to end: three clusters of network namespaces with their own API servers,
 * NetworkPolicies enforced by nftables, node agents in workload mode. The default lab's first rounds show real denies
 * next to the mistakes its policies hide; a policy applied through a lab cluster's API opens a rollback signal (a
 * Kubernetes Event there) and deleting it resolves the signal; nothing of the lab is left behind, not even after the
 * lab is killed with SIGKILL.
 */
class DataplaneLabIT {

    private static final Path JAR = Path.of("target", "reachproof.jar").toAbsolutePath();

    /** A lab of two pods per cluster: the frontend may not reach payments, whose namespace denies all ingress. */
    static final String TOPOLOGY = """
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
            - {apiVersion: v1, kind: Namespace, metadata: {name: payments}}
            - apiVersion: v1
              kind: Pod
              metadata: {name: frontend, namespace: shop, labels: {app: frontend}}
              spec: {containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]}
            - apiVersion: v1
              kind: Pod
              metadata: {name: payments, namespace: payments, labels: {app: payments}}
              spec: {containers: [{name: api, image: api, ports: [{containerPort: 7001}]}]}
            """;
    static final String EXPECTATIONS = """
            apiVersion: reachproof.io/v1alpha1
            kind: ConnectivityExpectation
            metadata: {name: small}
            spec:
              interval: 2s
              groups:
                frontend: {namespace: shop, podSelector: {matchLabels: {app: frontend}}}
                payments: {namespace: payments, podSelector: {matchLabels: {app: payments}}}
              expect:
                - {from: frontend, to: payments, ports: ["7001/TCP"], verdict: deny, clusters: same}
            """;
    /** The default lab's clusters without aws-lab's enforcement lag (tests about signals, not about the lag). */
    static final String NO_LAG_CLUSTERS = "clusters:\n- {name: aws-lab, profile: reference}\n"
            + "- {name: azure-lab, profile: reject}\n- {name: gcp-lab, profile: ipblock-ignores-pods}\n";
    static final String DENY = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-ingress, namespace: payments}
            spec: {podSelector: {}, policyTypes: [Ingress]}
            """;

    @TempDir
    Path dir;

    private String prefix;

    @BeforeEach
    void needsADataplane() {
        prefix = labPrefix("rpl");
    }

    /** A network namespace prefix of this test's own ({@code start} and 4 hex digits); skips without a dataplane. */
    static String labPrefix(String start) {
        Assumptions.assumeTrue(Shell.whyNoDataplane().isEmpty(), () -> "the dataplane lab " + Shell.whyNoDataplane().orElse(""));
        return start + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xFFFF));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private List<String> namespacesLeft() {
        return Arrays.stream(Shell.run(null, "ip", "netns", "list").split("\n")).map(l -> l.strip().split(" ")[0])
                .filter(n -> n.startsWith(prefix + "-")).toList();
    }

    @Test
    void theDefaultLabsFirstRoundsShowTheMistakesItsPoliciesHideAndWhatEachClustersCniProfileChanges() throws Exception {
        // the default lab's clusters (LabClustersFileTest: the example file is the default), but aws-lab's lag long
        // enough that the last round of a slow start still falls inside its window
        Path clusters = Files.writeString(dir.resolve("clusters.yaml"), Files.readString(
                Path.of("../expectations/examples/dataplane/clusters.yaml")).replace("lag: 45s", "lag: 5m"));
        CliRun cli = new CliRun();

        int exit = cli.run("lab", "--dataplane", "--netns-prefix", prefix, "--lab-dir", dir.toString(), "--port",
                String.valueOf(freePort()), "--duration", "12s", "--json", "--clusters", clusters.toString());

        assertThat(exit).as(cli.err()).isEqualTo(Main.EXIT_FAILED);
        JsonNode report = Json.mapper().readTree(cli.out());
        assertThat(report.get("coverage").asDouble()).isEqualTo(1.0);
        List<String> mismatches = new ArrayList<>();
        report.get("mismatches").forEach(m -> mismatches.add(m.get("kind").asText() + " "
                + m.get("cell").get("fromGroup").asText() + "->" + m.get("cell").get("toGroup").asText() + " "
                + m.get("cell").get("port").asInt() + "/" + m.get("cell").get("protocol").asText() + " "
                + m.get("cell").get("from").get("cluster").asText() + "->" + m.get("cell").get("to").get("cluster").asText()));
        assertThat(mismatches).containsExactlyInAnyOrder(
                // the policies' own mistakes, wherever rules are enforced: checkout's admin port open to the frontend ...
                "HOLE frontend->checkout 9090/TCP aws-lab->aws-lab", "HOLE frontend->checkout 9090/TCP azure-lab->azure-lab",
                "HOLE frontend->checkout 9090/TCP gcp-lab->gcp-lab",
                // ... and payments naming checkout by a label it lacks (aws-lab's rules have not landed: open)
                "BLOCKED checkout->payments 7001/TCP azure-lab->azure-lab", "BLOCKED checkout->payments 7001/TCP gcp-lab->gcp-lab",
                "BLOCKED checkout->payments 7002/UDP azure-lab->azure-lab", "BLOCKED checkout->payments 7002/UDP gcp-lab->gcp-lab",
                // aws-lab (enforcement-lag, 45 s): new pods take everything until their rules land
                "HOLE frontend->payments 7001/TCP aws-lab->aws-lab", "HOLE payments->checkout 8443/TCP aws-lab->aws-lab",
                // gcp-lab (ipblock-ignores-pods): dns-from-pod-network's ipBlock does not match checkout, a pod
                "BLOCKED checkout->dns 53/UDP gcp-lab->gcp-lab", "BLOCKED checkout->dns 53/TCP gcp-lab->gcp-lab");
        // denies are real: silence on the wire where rules drop, a reset where azure-lab (reject) answers
        List<String> denies = new ArrayList<>();
        report.get("cells").forEach(c -> {
            if (c.get("observed").asText().equalsIgnoreCase("deny")) {
                String from = c.get("from").get("cluster").asText();
                String to = c.get("to").get("cluster").asText();
                denies.add(c.get("outcome").asText() + " " + c.get("protocol").asText() + " "
                        + (from.equals(to) ? "in " + from : "across"));
            }
        });
        assertThat(denies).contains("TIMEOUT TCP in gcp-lab", "REFUSED TCP in azure-lab");
        assertThat(denies).filteredOn(d -> d.endsWith("gcp-lab")).allSatisfy(d -> assertThat(d).startsWith("TIMEOUT"));
        assertThat(denies).filteredOn(d -> d.endsWith("in azure-lab")).allSatisfy(d -> assertThat(d).doesNotStartWith("TIMEOUT"));
        assertThat(cli.err()).contains("kubectl --kubeconfig " + dir.resolve("aws-lab.kubeconfig"),
                "aws-lab: enforcement-lag (5m)", "azure-lab: reject", "gcp-lab: ipblock-ignores-pods");
        assertThat(namespacesLeft()).as("namespaces left after the lab stopped").isEmpty();
    }

    @Test
    void aPolicyAppliedThroughALabClustersApiOpensASignalThereAndDeletingItResolvesIt() throws Exception {
        Path topology = Files.writeString(dir.resolve("topology.yaml"), TOPOLOGY);
        Path expectations = Files.writeString(dir.resolve("small.yaml"), EXPECTATIONS);
        Path policies = Files.writeString(dir.resolve("deny.yaml"), DENY);
        // no lag here: this test is about signals, and aws-lab's 45 s window would only delay it
        Path clusters = Files.writeString(dir.resolve("clusters.yaml"), NO_LAG_CLUSTERS);
        int port = freePort();
        CliRun cli = new CliRun();
        LabCommand lab = new LabCommand();
        CommandLine cmd = cli.wrap(lab);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cmd.execute("--dataplane", "--netns-prefix",
                prefix, "--lab-dir", dir.toString(), "--port", String.valueOf(port), "--nodes", "1", "--duration", "3m",
                "--topology", topology.toString(), "--expectations", expectations.toString(), "--policies",
                policies.toString(), "--clusters", clusters.toString()));
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI latest = URI.create("http://127.0.0.1:" + port + "/v1/rounds/latest?expectation=small");
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(latest).build(), HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() == 200 && Json.mapper().readTree(r.body()).get("mismatches").isEmpty()
                            && Json.mapper().readTree(r.body()).get("coverage").asDouble() == 1.0;
                } catch (IOException notYet) {
                    return false;
                }
            });
            try (KubernetesClient gcp = KubernetesClients.connect(dir.resolve("gcp-lab.kubeconfig"), null)) {
                NetworkPolicy open = new NetworkPolicyBuilder().withNewMetadata().withName("payments-from-frontend")
                        .withNamespace("payments").endMetadata().withNewSpec().withNewPodSelector().endPodSelector()
                        .addNewIngress().addNewFrom().withNewNamespaceSelector().endNamespaceSelector().endFrom().endIngress()
                        .endSpec().build();
                gcp.network().v1().networkPolicies().inNamespace("payments").resource(open).create();

                Event opened = await().atMost(Duration.ofSeconds(30)).until(() -> event(gcp, KubernetesEventSink.REASON),
                        e -> e != null);
                assertThat(opened.getRegarding().getName()).as("the suspect").isEqualTo("payments-from-frontend");
                assertThat(opened.getNote()).contains("7001");

                gcp.network().v1().networkPolicies().inNamespace("payments").withName("payments-from-frontend").delete();

                await().atMost(Duration.ofSeconds(30)).until(() -> event(gcp, KubernetesEventSink.RESOLVED_REASON),
                        e -> e != null);
            }
        } finally {
            lab.stop.countDown();
            assertThat(exit.get(60, TimeUnit.SECONDS)).as(cli.err()).isIn(Main.EXIT_OK);
        }
        assertThat(namespacesLeft()).as("namespaces left after the lab stopped").isEmpty();
    }

    private static Event event(KubernetesClient client, String reason) {
        return client.events().v1().events().inAnyNamespace().list().getItems().stream()
                .filter(e -> reason.equals(e.getReason())).findFirst().orElse(null);
    }

    @Test
    void aLabKilledWithSigkillLeavesNamespacesTheNextLabRemovesFirst() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(JAR), "needs the packaged jar " + JAR + " (mvn package)");
        Path topology = Files.writeString(dir.resolve("topology.yaml"), TOPOLOGY);
        Path policies = Files.writeString(dir.resolve("deny.yaml"), DENY);
        Path expectations = Files.writeString(dir.resolve("small.yaml"), EXPECTATIONS);
        List<String> args = List.of("--dataplane", "--netns-prefix", prefix, "--lab-dir", dir.toString(), "--nodes", "1",
                "--topology", topology.toString(), "--policies", policies.toString(), "--expectations",
                expectations.toString());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "lab", "--port", String.valueOf(freePort()), "--duration", "5m"));
        command.addAll(args);
        Process killed = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.log").toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.readString(dir.resolve("killed.log"))
                    .contains("coordinator: "));
        } finally {
            killed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        List<String> left = namespacesLeft();
        assertThat(left).as("what SIGKILL left").contains(prefix + "-core", prefix + "-aws-lab-shop-frontend");

        CliRun cli = new CliRun();
        List<String> again = new ArrayList<>(List.of("lab", "--port", String.valueOf(freePort()), "--duration", "3s"));
        again.addAll(args);
        int exit = cli.run(again.toArray(new String[0]));

        assertThat(exit).as(cli.err()).isEqualTo(Main.EXIT_OK);
        assertThat(cli.out()).contains("removed " + left.size() + " network namespaces a previous lab left behind");
        assertThat(namespacesLeft()).as("namespaces left after the second lab stopped").isEmpty();
    }

    @Test
    void theDataplaneLabAskedForWithoutRootIsAUsageErrorSayingWhy() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(JAR), "needs the packaged jar " + JAR + " (mvn package)");
        Assumptions.assumeTrue(Shell.onPath("runuser"), "needs runuser to run the lab as another user");
        Process p = new ProcessBuilder("runuser", "-u", "nobody", "--", Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toString(), "lab", "--dataplane", "--duration", "1s").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(p.waitFor()).as(out).isEqualTo(Main.EXIT_USAGE);
        assertThat(out).contains("--dataplane needs root to make network namespaces (running as nobody);"
                + " run the loopback lab with --loopback").doesNotContain("Exception");
    }

    @Test
    void theDataplaneLabTakesNoLoopbackOptions() {
        CliRun cli = new CliRun();

        assertThat(cli.run("lab", "--dataplane", "--agents", "3")).isEqualTo(Main.EXIT_USAGE);
        assertThat(cli.err()).contains("--dataplane cannot go with --loopback, --agents or --loopback-net");
    }
}
