package io.reachproof.cli;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.reachproof.coordinator.testing.MockCluster;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.ProtocolV1;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reachproof coordinator --config FILE --kubernetes CLUSTER --kubeconfig FILE} as a real process against
 * fabric8's mock API server: the gate endpoint is served behind the admin token, a NetworkPolicy created in
 * the cluster runs a round at once with it as the suspect change, and the startup line names the cluster's live
 * NetworkPolicies as the policies a {@code fromPolicies} set takes there. With a second cluster watched through its
 * kubeconfig ({@code --kubernetes CLUSTER=KUBECONFIG#CONTEXT}), a change in either cluster does the same, naming its
 * cluster.
 */
@EnableKubernetesMockClient(crud = true)
class CoordinatorRollbackIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path JAR = ROOT.resolve("cli/target/reachproof.jar");

    KubernetesClient client;

    @TempDir
    Path dir;

    private Process coordinator;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws InterruptedException {
        if (coordinator != null) {
            coordinator.destroy();
            if (!coordinator.waitFor(20, SECONDS)) {
                coordinator.destroyForcibly().waitFor(10, SECONDS);
            }
        }
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            b.header("Authorization", "Bearer " + token).header(ProtocolV1.AGENT_KEY_HEADER, "rollback-it-agent-key-0123456789abcdefghij");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A kubeconfig in {@code dir} for the mock API server behind {@code client}, in {@code namespace}. */
    static Path kubeconfig(Path dir, KubernetesClient client, String namespace) {
        return MockCluster.kubeconfig(dir.resolve("kubeconfig"), client.getMasterUrl().toString(), namespace);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A coordinator.yaml on 127.0.0.1:{@code port} with admin token adm1n, proving the example {@code expectations}. */
    private Path config(int port, String tokens, String expectations) throws IOException {
        return Files.writeString(dir.resolve("coordinator.yaml"), String.join("\n",
                "bind: 127.0.0.1",
                "port: " + port,
                "tokens: " + tokens,
                "adminToken: adm1n",
                "expectations: [" + ROOT.resolve("expectations/examples/" + expectations) + "]",
                ""));
    }

    /** Starts the coordinator jar with {@code config}, watching cluster gcp-lab of the mock server; output goes to the returned log. */
    private Path startWatchingGcpLab(Path config, String... more) throws IOException {
        Path kubeconfig = kubeconfig(dir, client, "default");
        Path log = dir.resolve("coordinator.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "coordinator", "--config", config.toString(), "--kubernetes", "gcp-lab",
                "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(more));
        coordinator = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return log;
    }

    /** Waits until the newest report of {@code set} names the {@code action} of policy {@code name} in {@code cluster}. */
    private void awaitSuspect(String url, String set, String cluster, String name, String action) {
        await().atMost(60, SECONDS).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            HttpResponse<String> latest = get(url + "/v1/rounds/latest?expectation=" + set, "adm1n");
            JsonNode suspect = Json.mapper().readTree(latest.body()).path("suspectChange");
            return latest.statusCode() == 200 && name.equals(suspect.path("name").asText())
                    && action.equals(suspect.path("action").asText()) && cluster.equals(suspect.path("cluster").asText());
        });
    }

    private static NetworkPolicy denyAll(String namespace) {
        return new NetworkPolicyBuilder()
                .withNewMetadata().withNamespace(namespace).withName("deny-all").endMetadata()
                .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress").endSpec()
                .build();
    }

    @Test
    void theCoordinatorGuardsTheGateAndRunsARoundWhenANetworkPolicyChanges() throws Exception {
        int port = freePort();
        Path config = config(port, "{gcp-lab: agent-t0ken}", "lab.yaml");
        Path log = startWatchingGcpLab(config);
        String url = "http://127.0.0.1:" + port;

        await().atMost(60, SECONDS).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> get(url + "/v1/gate?expectation=lab", null).statusCode() == 401);
        // the summary is printed once the start is complete, a moment after the API answers
        await().atMost(30, SECONDS).until(() -> Files.readString(log)
                .contains("gate " + url + "/v1/gate; rollback signals to [KubernetesEventSink[gcp-lab]]"));
        assertThat(get(url + "/v1/gate?expectation=lab", "adm1n").statusCode()).isIn(200, 412, 503);

        client.resource(denyAll("payments")).create();

        awaitSuspect(url, "lab", "gcp-lab", "deny-all", "ADDED");
        assertThat(coordinator.isAlive()).isTrue();
    }

    @Test
    void oneCoordinatorWatchesItsOwnClusterAndAnotherThroughItsKubeconfigAndRunsARoundForAChangeInEither()
            throws Exception {
        try (MockCluster aws = MockCluster.start()) {
            aws.client().resource(denyAll("payments")).create();
            Path awsKubeconfig = aws.kubeconfig(dir.resolve("aws.kubeconfig"));
            int port = freePort();
            Path config = config(port, "{aws-lab: aws-t0ken, gcp-lab: gcp-t0ken}", "lab-policies.yaml");
            String url = "http://127.0.0.1:" + port;

            Path log = startWatchingGcpLab(config, "--kubernetes", "aws-lab=" + awsKubeconfig + "#mock");

            await().atMost(60, SECONDS).pollInterval(Duration.ofMillis(250))
                    .until(() -> Files.readString(log).contains("  proving ") || !coordinator.isAlive());
            assertThat(Files.readString(log)).contains(
                    "  watching the NetworkPolicies of cluster gcp-lab at " + client.getMasterUrl() + " (the coordinator's"
                            + " own cluster, kubeconfig " + dir.resolve("kubeconfig") + ")" + System.lineSeparator()
                    + "  watching the NetworkPolicies of cluster aws-lab at " + aws.url() + " (kubeconfig " + awsKubeconfig
                            + " context mock)" + System.lineSeparator()
                    + "  proof record in jdbc:h2:file:" + dir.resolve("data") + "/reachproof-store;AUTO_SERVER=TRUE",
                    "  gate " + url + "/v1/gate; rollback signals to [KubernetesEventSink[gcp-lab],"
                            + " KubernetesEventSink[aws-lab]]" + System.lineSeparator()
                    + "  proving lab-policies (0 cells + cells from 1 live NetworkPolicy of cluster aws-lab and 0 live"
                            + " NetworkPolicies of cluster gcp-lab) every 5s");

            client.resource(denyAll("shop")).create();
            awaitSuspect(url, "lab-policies", "gcp-lab", "deny-all", "ADDED");
            aws.client().network().v1().networkPolicies().inNamespace("payments").withName("deny-all").delete();
            awaitSuspect(url, "lab-policies", "aws-lab", "deny-all", "DELETED");
            assertThat(get(url + "/metrics", null).body()).contains(
                    "reachproof_policy_watch_up{k8s_cluster_name=\"aws-lab\"} 1",
                    "reachproof_policy_watch_up{k8s_cluster_name=\"gcp-lab\"} 1");
            assertThat(coordinator.isAlive()).isTrue();
        }
    }

    @Test
    void theStartupLineNamesTheLivePoliciesOfTheWatchedClusterAndTheFilesForTheOthers() throws Exception {
        client.resource(new NetworkPolicyBuilder()
                .withNewMetadata().withNamespace("payments").withName("deny-all").endMetadata()
                .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress").endSpec()
                .build()).create();
        Path config = Files.writeString(dir.resolve("coordinator.yaml"), String.join("\n",
                "bind: 127.0.0.1",
                "port: " + freePort(),
                "tokens: {gcp-lab: agent-t0ken}",
                "expectations: [" + ROOT.resolve("expectations/examples/lab-policies.yaml") + "]",
                "policies: [" + ROOT.resolve("expectations/examples/policies/lab") + "]",
                ""));

        Path log = startWatchingGcpLab(config);

        await().atMost(60, SECONDS).pollInterval(Duration.ofMillis(250))
                .until(() -> Files.readString(log).contains("  proving ") || !coordinator.isAlive());
        assertThat(Files.readString(log)).contains("  proving lab-policies (0 cells + cells from 1 live NetworkPolicy of"
                + " cluster gcp-lab and 3 NetworkPolicies from files for the other clusters) every 5s");
    }

    @Test
    void anUnreadableKubeconfigIsAnErrorNamingIt() throws IOException {
        Path config = Files.writeString(dir.resolve("coordinator.yaml"), "port: " + freePort()
                + "\ntokens: {gcp-lab: t}\nexpectations: [" + ROOT.resolve("expectations/examples/lab.yaml") + "]\n");
        CliRun cli = new CliRun();

        int exit = cli.run("coordinator", "--config", config.toString(), "--kubernetes", "gcp-lab", "--kubeconfig",
                dir.resolve("missing").toString());

        assertThat(exit).isEqualTo(1);
        assertThat(cli.err()).startsWith("--kubeconfig: " + dir.resolve("missing") + ": cannot read the kubeconfig: ");
    }
}
