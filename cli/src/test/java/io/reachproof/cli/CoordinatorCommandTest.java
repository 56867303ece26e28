package io.reachproof.cli;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.reachproof.coordinator.testing.MockCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CoordinatorCommandTest {

    private static final String NL = System.lineSeparator();

    private final CliRun cli = new CliRun();

    @TempDir
    Path dir;

    private Path config(String policies) throws Exception {
        Files.copy(Path.of("../expectations/examples/lab-policies.yaml"), dir.resolve("lab-policies.yaml"));
        Path config = dir.resolve("coordinator.yaml");
        Files.writeString(config, "port: 0\ntokens: {aws-lab: t}\nexpectations: [lab-policies.yaml]\n" + policies);
        return config;
    }

    /** The lab's expectations (written rules, no policies needed) and {@code more}. */
    private Path labConfig(String more) throws Exception {
        Files.copy(Path.of("../expectations/examples/lab.yaml"), dir.resolve("lab.yaml"));
        Path config = dir.resolve("coordinator.yaml");
        Files.writeString(config, "port: 0\ntokens: {aws-lab: t}\nexpectations: [lab.yaml]\n" + more);
        return config;
    }

    @Test
    void anExpectationFromPoliciesWithoutPoliciesExitsOneNamingItAndTheKey() throws Exception {
        Path config = config("");

        assertThat(cli.run("coordinator", "--config", config.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err()).isEqualTo(dir.resolve("lab-policies.yaml") + ":23:3: expectation lab-policies takes its verdicts"
                + " from the NetworkPolicies (spec.fromPolicies), but no policies are configured: set 'policies' in " + config
                + ", or take them live from the cluster with --kubernetes CLUSTER" + System.lineSeparator());
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void anUnreachableStoreExitsOneNamingItsUrl() throws Exception {
        Path config = labConfig("store: {url: 'jdbc:postgresql://127.0.0.1:1/reachproof'}\n");

        assertThat(cli.run("coordinator", "--config", config.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err()).startsWith("cannot reach the store at jdbc:postgresql://127.0.0.1:1/reachproof: ")
                .doesNotContain("\tat ");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void theEmbeddedStoreIsAnH2FileInTheDataDirectory() throws Exception {
        Path config = labConfig("dataDir: state\n");
        Thread coordinator = new Thread(() -> cli.run("coordinator", "--config", config.toString()));
        coordinator.setDaemon(true);
        coordinator.start();

        await().atMost(60, SECONDS).until(() -> cli.out().contains("proof record in"));
        assertThat(cli.out()).contains("proof record in jdbc:h2:file:" + dir.resolve("state").resolve("reachproof-store"));
        assertThat(dir.resolve("state").resolve("reachproof-store.mv.db")).exists();
        coordinator.interrupt();
        coordinator.join(30_000);
        assertThat(coordinator.isAlive()).as("the coordinator closed").isFalse();
    }

    @Test
    void aMissingPolicyPathExitsOneNamingIt() throws Exception {
        Path config = config("policies: [missing/]\n");

        assertThat(cli.run("coordinator", "--config", config.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err()).isEqualTo(dir.resolve("missing/") + ": no such file or directory" + System.lineSeparator());
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void aBadLeaderElectionKeyExitsOneNamingIt() throws Exception {
        Path config = config("policies: [lab-policies.yaml]\nleaderElection: {leaseDuration: 5s}\n");

        assertThat(cli.run("coordinator", "--config", config.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err()).isEqualTo(config + ":5:33: leaderElection.renewDeadline: must be shorter than"
                + " leaderElection.leaseDuration (5s), not 10s" + System.lineSeparator());
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void everyProblemOfTheConfigurationAndOfItsFilesIsALineWithItsPositionNotAStackTrace() throws Exception {
        Path config = config("probeTimout: 1s\njitter: " + "[".repeat(2000) + "\n");

        assertThat(cli.run("coordinator", "--config", config.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err()).isEqualTo(config + ":5:108: lists and mappings nest more than 100 levels deep (the limit)" + NL);

        Files.writeString(config, "port: 0\ntokens: {aws-lab: t}\nexpectations: [deep.yaml]\nprobeTimout: 1s\n");
        assertThat(cli.run("coordinator", "--config", config.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err()).endsWith(config + ":4:1: probeTimout: unknown key (did you mean 'probeTimeout'?)" + NL);

        Files.writeString(dir.resolve("deep.yaml"), "spec: " + "[".repeat(2000) + "\n");
        Files.writeString(config, "port: 0\ntokens: {aws-lab: t}\nexpectations: [deep.yaml]\n");
        assertThat(cli.run("coordinator", "--config", config.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err()).endsWith(dir.resolve("deep.yaml") + ":1:106: lists and mappings nest more than 100 levels deep (the limit)"
                + NL);
        assertThat(cli.err()).doesNotContain("Exception", "\tat ");
    }

    /** A configuration proving lab-policies.yaml, with tokens for aws-lab and gcp-lab and no policy files. */
    private Path twoClusters(String more) throws Exception {
        Files.copy(Path.of("../expectations/examples/lab-policies.yaml"), dir.resolve("lab-policies.yaml"));
        return Files.writeString(dir.resolve("coordinator.yaml"),
                "port: 0\ntokens: {aws-lab: t1, gcp-lab: t2}\nexpectations: [lab-policies.yaml]\n" + more);
    }

    private int coordinator(Path config, String... kubernetes) {
        return cli.run(Stream.concat(Stream.of("coordinator", "--config", config.toString()), Stream.of(kubernetes))
                .toArray(String[]::new));
    }

    /** Mistakes in the {@code --kubernetes} values that need no API server; {@code <empty>} is an empty argument. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "--kubernetes =k.yaml | --kubernetes =k.yaml: the cluster name is empty",
        "--kubernetes <empty> | --kubernetes \"\": the cluster name is empty",
        "--kubernetes gcp-lab= | --kubernetes gcp-lab=: the kubeconfig file name after = is empty",
        "--kubernetes gcp-lab=k.yaml# | --kubernetes gcp-lab=k.yaml#: the context name after # is empty",
        "--kubernetes gcp-lab=#ctx | --kubernetes gcp-lab=#ctx: the kubeconfig file name after = is empty",
        "--kubernetes gcp-lab --kubernetes gcp-lab=k.yaml"
                + " | --kubernetes gcp-lab=k.yaml: cluster gcp-lab is watched already (--kubernetes gcp-lab)",
        "--kubernetes aws-lab --kubernetes gcp-lab | --kubernetes gcp-lab: only one cluster is the coordinator's own"
                + " (--kubernetes aws-lab); watch another one through its kubeconfig: --kubernetes gcp-lab=KUBECONFIG",
        "--kubernetes gcp-lab --kubernetes azure-prd=k.yaml | --kubernetes azure-prd=k.yaml: {config} has no token for"
                + " cluster azure-prd, so none of its agents could join (tokens: aws-lab, gcp-lab)",
        "--kubernetes gcp-lab=gcp.yaml --kubeconfig gcp.yaml | --kubeconfig: it serves only the coordinator's own"
                + " cluster (--kubernetes CLUSTER) and leader election, and neither is used; give another cluster's"
                + " kubeconfig as --kubernetes CLUSTER=KUBECONFIG",
    })
    void aWrongKubernetesOptionExitsOneNamingIt(String args, String error) throws Exception {
        Path config = twoClusters("");
        String[] kubernetes = Stream.of(args.split(" ")).map(a -> a.equals("<empty>") ? "" : a).toArray(String[]::new);

        assertThat(coordinator(config, kubernetes)).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err()).isEqualTo(error.replace("{config}", config.toString()) + NL);
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void aMissingKubeconfigExitsOneNamingTheValueAndTheFile() throws Exception {
        Path config = twoClusters("");
        Path missing = dir.resolve("gcp.kubeconfig");

        assertThat(coordinator(config, "--kubernetes", "gcp-lab=" + missing)).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err()).isEqualTo("--kubernetes gcp-lab=" + missing + ": " + missing
                + ": cannot read the kubeconfig: no such file" + NL);
    }

    @Test
    void anUnknownContextExitsOneListingTheContexts() throws Exception {
        Path config = twoClusters("");
        try (MockCluster gcp = MockCluster.start()) {
            Path kubeconfig = gcp.kubeconfig(dir.resolve("gcp.kubeconfig"));

            assertThat(coordinator(config, "--kubernetes", "gcp-lab=" + kubeconfig + "#gcp-admin"))
                    .isEqualTo(Main.EXIT_FAILED);
            assertThat(cli.err()).isEqualTo("--kubernetes gcp-lab=" + kubeconfig + "#gcp-admin: " + kubeconfig
                    + ": the kubeconfig has no context gcp-admin (contexts: mock)" + NL);
        }
    }

    @Test
    void twoClustersAtOneApiServerExitOne() throws Exception {
        Path config = twoClusters("");
        try (MockCluster aws = MockCluster.start()) {
            Path one = aws.kubeconfig(dir.resolve("aws.kubeconfig"));
            Path same = aws.kubeconfig(dir.resolve("copy.kubeconfig"));

            assertThat(coordinator(config, "--kubernetes", "aws-lab=" + one, "--kubernetes", "gcp-lab=" + same))
                    .isEqualTo(Main.EXIT_FAILED);
            assertThat(cli.err()).isEqualTo("--kubernetes gcp-lab=" + same + ": " + aws.url() + " is the API server of"
                    + " cluster aws-lab already (--kubernetes aws-lab=" + one + ")" + NL);
        }
    }

    /** Threads of the watches and Event sinks of clusters {@code c1-lab} and {@code c2-lab} still alive. */
    private static List<String> leftRunning() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.matches("reachproof-(watch|k8s-events)-c[12]-lab")).toList();
    }

    @Test
    void aClusterWhosePoliciesCannotBeListedExitsOneAndTheClustersStartedBeforeAreClosedAgain() throws Exception {
        Files.copy(Path.of("../expectations/examples/lab-policies.yaml"), dir.resolve("lab-policies.yaml"));
        Path config = Files.writeString(dir.resolve("coordinator.yaml"),
                "port: 0\ntokens: {c1-lab: t1, c2-lab: t2}\nexpectations: [lab-policies.yaml]\n");
        try (MockCluster first = MockCluster.start(); MockCluster forbidden = MockCluster.start()) {
            first.client().resource(new NetworkPolicyBuilder().withNewMetadata().withNamespace("shop").withName("deny-all")
                    .endMetadata().withNewSpec().withNewPodSelector().endPodSelector().endSpec().build()).create();
            forbidden.server().expect().get().withPath("/apis/networking.k8s.io/v1/networkpolicies").andReturn(403,
                    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\","
                            + "\"code\":403,\"message\":\"networkpolicies.networking.k8s.io is forbidden: User"
                            + " \\\"system:serviceaccount:reachproof:remote\\\" cannot list resource \\\"networkpolicies\\\""
                            + " in API group \\\"networking.k8s.io\\\" at the cluster scope\"}").always();
            Path own = first.kubeconfig(dir.resolve("c1.kubeconfig"));
            Path other = forbidden.kubeconfig(dir.resolve("c2.kubeconfig"));

            int exit = coordinator(config, "--kubernetes", "c1-lab", "--kubeconfig", own.toString(), "--kubernetes",
                    "c2-lab=" + other);

            assertThat(exit).isEqualTo(Main.EXIT_FAILED);
            assertThat(cli.err()).isEqualTo("--kubernetes c2-lab=" + other + ": cannot list NetworkPolicies at "
                    + forbidden.url() + ": HTTP 403 Forbidden: networkpolicies.networking.k8s.io is forbidden: User"
                    + " \"system:serviceaccount:reachproof:remote\" cannot list resource \"networkpolicies\" in API group"
                    + " \"networking.k8s.io\" at the cluster scope" + NL);
            assertThat(cli.out()).isEmpty();
            await().atMost(10, SECONDS).until(() -> leftRunning().isEmpty());
        }
    }
}
