package io.reachproof.cli;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
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
 * Two {@code reachproof coordinator} processes with {@code leaderElection} against fabric8's mock API server: one
 * is ready (the leader), the other answers 503; stopping the leader (SIGTERM) releases the Lease and the standby
 * becomes ready within the lease duration.
 */
@EnableKubernetesMockClient(crud = true)
class CoordinatorLeaderElectionIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path JAR = ROOT.resolve("cli/target/reachproof.jar");
    private static final Duration LEASE = Duration.ofSeconds(4);

    KubernetesClient client;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(20, SECONDS)) {
                p.destroyForcibly().waitFor(10, SECONDS);
            }
        }
    }

    /** The coordinator's {@code /v1/ready} status: 200 leads, 503 stands by, -1 unreachable (also FailoverRecordIT's). */
    static int ready(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/ready")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private String start(String name, Path kubeconfig) throws IOException {
        int port = freePort();
        Path config = Files.writeString(dir.resolve(name + ".yaml"), String.join("\n",
                "bind: 127.0.0.1",
                "port: " + port,
                "tokens: {gcp-lab: agent-t0ken}",
                "expectations: [" + ROOT.resolve("expectations/examples/lab.yaml") + "]",
                "leaderElection: {leaseDuration: 4s, renewDeadline: 3s, retryPeriod: 500ms}",
                // each replica its own record, as each pod of the Deployment has its own emptyDir
                "dataDir: " + name + "-data",
                ""));
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "coordinator", "--config", config.toString(), "--kubeconfig", kubeconfig.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("POD_NAME", name);
        processes.add(pb.start());
        return "http://127.0.0.1:" + port;
    }

    @Test
    void oneOfTwoCoordinatorsIsReadyAndTheOtherTakesOverWhenItStops() throws Exception {
        Path kubeconfig = CoordinatorRollbackIT.kubeconfig(dir, client, "reachproof");
        String a = start("coordinator-a", kubeconfig);
        String b = start("coordinator-b", kubeconfig);

        await().atMost(60, SECONDS).pollInterval(Duration.ofMillis(250))
                .until(() -> ready(a) == 200 && ready(b) == 503 || ready(a) == 503 && ready(b) == 200);
        boolean aLeads = ready(a) == 200;
        String standby = aLeads ? b : a;
        String holder = client.leases().inNamespace("reachproof").withName("reachproof-coordinator").get()
                .getSpec().getHolderIdentity();
        assertThat(holder).isEqualTo(aLeads ? "coordinator-a" : "coordinator-b");
        assertThat(Files.readString(dir.resolve(holder + ".log")))
                .contains("leader election: Lease reachproof/reachproof-coordinator as " + holder + " (standby until elected; ");

        processes.get(aLeads ? 0 : 1).destroy();

        await().atMost(LEASE).pollInterval(Duration.ofMillis(100)).until(() -> ready(standby) == 200);
        assertThat(client.leases().inNamespace("reachproof").withName("reachproof-coordinator").get()
                .getSpec().getHolderIdentity()).isEqualTo(aLeads ? "coordinator-b" : "coordinator-a");
    }
}
