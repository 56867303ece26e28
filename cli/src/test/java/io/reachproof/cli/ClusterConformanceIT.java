package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.reachproof.cli.conformance.KubernetesSuiteCluster;
import io.reachproof.cli.dataplane.CniProfile;
import io.reachproof.cli.dataplane.Dataplane;
import io.reachproof.cli.dataplane.LabApiServer;
import io.reachproof.cli.dataplane.LabKubelet;
import io.reachproof.cli.dataplane.NftEnforcer;
import io.reachproof.cli.dataplane.Shell;
import io.reachproof.coordinator.assembly.StartedParts;
import io.reachproof.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reachproof conformance --kubeconfig} - the real-cluster path - against a cluster whose parts are real but for
 * the API server: a node of network namespaces with nftables rules an enforcer of a CNI profile writes, fabric8's mock
 * API server in CRUD mode, and a {@link LabKubelet} that gives each pod created through the API a network namespace,
 * an address and a {@code /pause} process in a kubelet-shaped cgroup. The command finds the pods in {@code /proc} by
 * UID, as on a node, serves the suite's ports inside them and probes from inside them. A real cluster (K3s) is
 * {@code K3sConformanceIT}'s, where a container engine exists.
 */
class ClusterConformanceIT {

    private static final String CLUSTER = "lab-real";

    @TempDir
    Path dir;

    private final StartedParts running = new StartedParts();
    private final String prefix = "rpk" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xFFFF));
    private Dataplane dataplane;
    private LabApiServer api;
    private LabKubelet kubelet;

    @BeforeEach
    void assumeDataplane() {
        Assumptions.assumeTrue(Shell.whyNoDataplane().isEmpty(), () -> "a cluster of network namespaces "
                + Shell.whyNoDataplane().orElse(""));
    }

    /** One node, its API, its kubelet and an enforcer of {@code profile}. */
    private KubernetesClient cluster(CniProfile profile, Duration lag) {
        dataplane = Dataplane.create(prefix, Map.of(CLUSTER, List.of("node-1")));
        running.started("dataplane", dataplane);
        api = LabApiServer.start(CLUSTER, dir);
        running.started("api", api);
        kubelet = LabKubelet.start(api.client(), dataplane, CLUSTER, Set.of("node-1"));
        running.started("kubelet", kubelet);
        running.started("enforcer", NftEnforcer.start(api.client(), CLUSTER, pod -> dataplane.attachment(CLUSTER, pod),
                profile, lag));
        return api.client();
    }

    @AfterEach
    void tearDown() {
        running.close();
        Dataplane.removeLeftovers(prefix);
        assertThat(LabKubelet.removeLeftovers(prefix)).as("sandboxes left running").isZero();
    }

    /** A namespace the suite must not touch: a pod and a policy of a team that uses the cluster. */
    private void shop(KubernetesClient client) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build())
                .create();
        client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("cart")
                .withLabels(Map.of("app", "cart")).endMetadata().withNewSpec().withNodeName("node-1").addNewContainer()
                .withName("cart").withImage("shop/cart").endContainer().endSpec().build()).create();
        client.network().v1().networkPolicies().inNamespace("shop").resource(new NetworkPolicyBuilder().withNewMetadata()
                .withName("deny-all").endMetadata().withNewSpec().withNewPodSelector().endPodSelector()
                .withPolicyTypes("Ingress").endSpec().build()).create();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            Pod cart = client.pods().inNamespace("shop").withName("cart").get();
            return cart.getStatus() != null && cart.getStatus().getPodIP() != null;
        });
    }

    /** The command's output and exit code. */
    private record Ran(int exitCode, String out, String err) {
    }

    private Ran conformance(String... more) {
        CliRun cli = new CliRun();
        List<String> args = new java.util.ArrayList<>(List.of("conformance", "--cluster", CLUSTER, "--kubeconfig",
                api.kubeconfig().toString(), "--node", "node-1", "--namespace-prefix", prefix, "--settle-timeout", "20s"));
        args.addAll(List.of(more));
        int exit = cli.run(args.toArray(String[]::new));
        return new Ran(exit, cli.out(), cli.err());
    }

    private static Map<String, String> statuses(JsonNode report) {
        Map<String, String> status = new LinkedHashMap<>();
        report.get("features").forEach(f -> status.put(f.get("feature").asText(), f.get("status").asText()));
        return status;
    }

    private List<String> scratchNamespaces(KubernetesClient client) {
        return client.namespaces().list().getItems().stream().map(n -> n.getMetadata().getName())
                .filter(n -> n.startsWith(prefix + "-")).toList();
    }

    @Test
    void aReferenceClusterPassesEveryProbedFeatureFromInsideItsPodsAndTheScratchNamespacesAreGoneAfter() throws Exception {
        KubernetesClient client = cluster(CniProfile.REFERENCE, Duration.ZERO);
        shop(client);
        Pod cartBefore = client.pods().inNamespace("shop").withName("cart").get();
        NetworkPolicy denyBefore = client.network().v1().networkPolicies().inNamespace("shop").withName("deny-all").get();

        Ran cli = conformance("--format", "json");

        assertThat(cli.exitCode()).as(cli.err()).isEqualTo(Main.EXIT_OK);
        JsonNode report = Json.mapper().readTree(cli.out());
        assertThat(statuses(report)).containsExactly(Map.entry("ingress", "pass"), Map.entry("egress", "pass"),
                Map.entry("namespace-selector", "pass"), Map.entry("pod-selector", "pass"), Map.entry("named-ports", "pass"),
                Map.entry("end-port", "pass"), Map.entry("ipblock-except", "not supported"),
                Map.entry("ipblock-pods", "pass"), Map.entry("udp", "pass"), Map.entry("sctp", "not supported"),
                Map.entry("deny-drops", "pass"), Map.entry("enforcement-delay", "pass"));
        assertThat(report.get("profile").isNull()).isTrue();
        assertThat(report.get("node").asText()).isEqualTo("node-1");
        assertThat(report.get("scratchNamespaces").asText()).isEqualTo(prefix + "-*");
        assertThat(report.has("asDocumented")).as("a real cluster documents nothing").isFalse();
        // the probes went to the suite's pods at their real addresses, in the scratch namespaces
        JsonNode ingress = report.get("features").get(0).get("probes").get(0);
        assertThat(ingress.get("from").asText() + " " + ingress.get("outcome").asText()).isEqualTo("ingress/client CONNECTED");

        assertThat(scratchNamespaces(client)).as("scratch namespaces left").isEmpty();
        // the lab's namespace controller deletes a deleted namespace's pods after the namespace (a real one before)
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.pods().inAnyNamespace()
                .list().getItems()).as("pods left").extracting(p -> p.getMetadata().getNamespace() + "/"
                        + p.getMetadata().getName()).containsExactly("shop/cart"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.running() == 1);
        assertThat(client.pods().inNamespace("shop").withName("cart").get().getMetadata().getResourceVersion())
                .isEqualTo(cartBefore.getMetadata().getResourceVersion());
        assertThat(client.network().v1().networkPolicies().inNamespace("shop").withName("deny-all").get().getMetadata()
                .getResourceVersion()).isEqualTo(denyBefore.getMetadata().getResourceVersion());
        assertThat(cli.err()).contains("conformance: cluster " + CLUSTER + ", from node node-1, in scratch namespaces "
                + prefix + "-*: proving 12 features ...").doesNotContain("Exception");
    }

    @Test
    void aRejectingClusterFailsDenyAsDropOnTheRealPath() throws Exception {
        cluster(CniProfile.REJECT, Duration.ZERO);

        Ran cli = conformance("--format", "text");

        assertThat(cli.exitCode()).as(cli.err()).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.out()).startsWith("conformance of cluster " + CLUSTER + " (from node node-1, in scratch namespaces "
                + prefix + "-*, deleted after)\n")
                .containsPattern("deny as drop +fail +denied traffic is rejected, not dropped: 80/TCP REFUSED \\(a reset\\)")
                .containsPattern("ipBlock with except +not supported +needs hosts outside the cluster")
                .endsWith("deviations from the specification: deny as drop\n");
    }

    @Test
    void aLaggingClusterIsSeenOpenForItsLagAfterAPolicyChangeAndForANewPod() throws Exception {
        KubernetesClient client = cluster(CniProfile.ENFORCEMENT_LAG, Duration.ofSeconds(3));

        Ran cli = conformance("--format", "json");

        assertThat(cli.exitCode()).as(cli.err()).isEqualTo(Main.EXIT_FAILED);
        JsonNode report = Json.mapper().readTree(cli.out());
        assertThat(report.get("deviations").toString()).isEqualTo("[\"enforcement-delay\"]");
        String delay = report.get("features").get(11).get("evidence").asText();
        Matcher m = Pattern.compile("a changed policy enforced after (\\d+) ms, a new pod enforced after (\\d+) ms")
                .matcher(delay);
        assertThat(m.find()).as(delay).isTrue();
        // the policy's window counts from its creation; the pod's from when it first served, after the kubelet made it
        assertThat(Long.parseLong(m.group(1))).isBetween(2_800L, 8_000L);
        assertThat(Long.parseLong(m.group(2))).isBetween(1_000L, 8_000L);
        assertThat(scratchNamespaces(client)).isEmpty();
    }

    @Test
    void aScratchNamespaceThatExistsIsRefusedAndOnlyWhatTheRunMadeIsDeleted() throws Exception {
        KubernetesClient client = cluster(CniProfile.REFERENCE, Duration.ZERO);
        String taken = prefix + "-udp";
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(taken).endMetadata().build())
                .create();
        String leftover = "reachproof-conformance-0dead-udp";
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(leftover)
                .withLabels(Map.of(KubernetesSuiteCluster.RUN_LABEL, "reachproof-conformance-0dead")).endMetadata().build())
                .create();

        Ran cli = conformance();

        assertThat(cli.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(cli.err()).contains("conformance: namespace " + taken + " exists already: the suite runs only in"
                + " namespaces it creates (choose another --namespace-prefix)").doesNotContain("Exception");
        assertThat(scratchNamespaces(client)).containsExactly(taken);
        assertThat(cli.err()).contains("conformance: 1 scratch namespace(s) of earlier runs remain (a run killed outright"
                + " cannot delete its own): " + leftover + "; delete them with kubectl delete namespace -l"
                + " reachproof.io/conformance-run");
        assertThat(client.namespaces().withName(leftover).get()).as("an earlier run's namespace is only reported")
                .isNotNull();
    }

    @Test
    void aRunStoppedWithSigtermDeletesTheScratchNamespacesItMade() throws Exception {
        Path jar = ProjectVersion.ROOT.resolve("cli/target/reachproof.jar");
        Assumptions.assumeTrue(Files.isRegularFile(jar), "needs the packaged jar " + jar + " (mvn package)");
        KubernetesClient client = cluster(CniProfile.ENFORCEMENT_LAG, Duration.ofSeconds(30));
        Path log = dir.resolve("stopped.log");
        Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "conformance", "--cluster", CLUSTER, "--kubeconfig", api.kubeconfig().toString(), "--node",
                "node-1", "--namespace-prefix", prefix).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            // stopped while it waits for the lagging rules: its namespaces, pods and policies are all there
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !client.network().v1().networkPolicies()
                    .inNamespace(prefix + "-ingress").list().getItems().isEmpty());
            assertThat(scratchNamespaces(client)).hasSizeGreaterThan(10);

            run.destroy(); // SIGTERM, as Ctrl-C or a Job's deadline stops it

            assertThat(run.waitFor(90, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
        } finally {
            run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(scratchNamespaces(client)).as(Files.readString(log)).isEmpty();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.running() == 0);
    }
}
