package io.reachproof.coordinator.assembly;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.reachproof.coordinator.LabExpectation;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.coordinator.telemetry.Telemetry;
import io.reachproof.coordinator.testing.MockCluster;
import io.reachproof.protocol.RoundReport;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoordinatorAssemblyTest {

    private static final List<String> STARTED = List.of("telemetry", "round service", "rollback signals", "API server",
            "round schedule");

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    /** The lab expectation every 60s, on a free loopback port, scheduled, metrics only. */
    private static AssemblySettings settings(int port, Map<String, String> tokens) {
        return AssemblySettings.of(CoordinatorSettings.defaults(port, tokens),
                List.of(LabExpectation.loaded("lab", Duration.ofSeconds(60)))).withTelemetry(() -> Telemetry.builder().build());
    }

    private int get(URI url) throws Exception {
        return http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return s.isBound();
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void anAssemblyServesTheApiRunsTheScheduleAndHandsRoundsToItsListeners() throws Exception {
        List<RoundReport> heard = new CopyOnWriteArrayList<>();
        AssemblySettings settings = settings(0, LabFleet.tokens()).withListeners(List.of(report -> {
            heard.add(report);
            return report;
        }));

        try (CoordinatorAssembly assembly = CoordinatorAssembly.start(settings)) {
            URI url = assembly.url();

            assertThat(assembly.parts()).isEqualTo(STARTED);
            assertThat(get(url.resolve("/v1/agents"))).isEqualTo(200);
            assertThat(get(url.resolve("/v1/ready"))).isEqualTo(200);
            assertThat(get(url.resolve("/v1/gate?expectation=lab"))).isNotEqualTo(404);
            assertThat(get(url.resolve("/metrics"))).isEqualTo(200);
            assertThat(assembly.coordinator().scheduling()).isTrue();
            RoundReport report = assembly.coordinator().rounds().runNow("lab").report().toCompletableFuture()
                    .get(30, SECONDS);
            // the schedule may have fired a round of its own meanwhile: the listeners hear each round once
            assertThat(heard).contains(report).doesNotHaveDuplicates();
        }
    }

    @Test
    void closeStopsThePartsInReverseOrderOfStart() throws Exception {
        List<String> around = new ArrayList<>();
        CoordinatorAssembly assembly = CoordinatorAssembly.start(settings(0, LabFleet.tokens()));
        assembly.own("lab agents", () -> around.add("stopped"));
        int port = assembly.url().getPort();

        assembly.close();

        List<String> reversed = new ArrayList<>(STARTED);
        reversed.add("lab agents");
        Collections.reverse(reversed);
        assertThat(assembly.closed()).isEqualTo(reversed);
        assertThat(around).containsExactly("stopped");
        assertThat(assembly.coordinator().scheduling()).isFalse();
        assertThat(free(port)).as("API port %d free again", port).isTrue();
        assertThat(assembly.awaitClosed(Duration.ZERO)).isTrue();

        assembly.close();

        assertThat(around).containsExactly("stopped");
        assertThat(assembly.closed()).isEqualTo(reversed);
    }

    /** Threads of the watch and Event sink of cluster {@code assembly-lab} still alive. */
    private static List<String> leftRunning() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.matches("reachproof-(watch|k8s-events)-assembly-lab")).toList();
    }

    @Test
    void aTakenApiPortFailsTheStartNamingItAndStopsEverythingStartedBefore() throws Exception {
        try (MockCluster cluster = MockCluster.start();
                ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            ClusterAccess access = new ClusterAccess("assembly-lab", "cluster assembly-lab",
                    Optional.of(cluster.kubeconfig(dir.resolve("kubeconfig"))), Optional.empty());
            AssemblySettings settings = settings(port, Map.of("assembly-lab", "t")).withKubernetes(Optional.of(
                    new KubernetesSettings(List.of(access), PoliciesInForce.of(Optional.empty(), List.of("assembly-lab")),
                            Optional.empty(), "--kubeconfig", Optional.empty(), "config", "test")));

            StartFailure failure = catchThrowableOfType(StartFailure.class, () -> CoordinatorAssembly.start(settings));

            assertThat(failure).hasMessageStartingWith("cannot start the coordinator on 127.0.0.1:" + port + ": ")
                    .hasCauseInstanceOf(BindException.class);
            assertThat(failure.closed()).containsExactly("API server", "NetworkPolicy watch of cluster assembly-lab",
                    "rollback signals", "round service", "Kubernetes clients", "telemetry");
            await().atMost(10, SECONDS).until(() -> leftRunning().isEmpty());
        }
    }

    @Test
    void aClusterInWorkloadModeHasItsPodInventoryStartedAfterTheClientsAndMustBeWatched() throws Exception {
        try (MockCluster cluster = MockCluster.start();
                ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            ClusterAccess access = new ClusterAccess("assembly-lab", "cluster assembly-lab",
                    Optional.of(cluster.kubeconfig(dir.resolve("kubeconfig"))), Optional.empty());
            KubernetesSettings watched = new KubernetesSettings(List.of(access),
                    PoliciesInForce.of(Optional.empty(), List.of("assembly-lab")), Optional.empty(), "--kubeconfig",
                    Optional.empty(), "config", "test");
            CoordinatorSettings workload = CoordinatorSettings.defaults(port, Map.of("assembly-lab", "t", "other", "u"))
                    .withWorkloadClusters(java.util.Set.of("assembly-lab"));
            AssemblySettings settings = AssemblySettings.of(workload,
                    List.of(LabExpectation.loaded("lab", Duration.ofSeconds(60))))
                    .withTelemetry(() -> Telemetry.builder().build()).withKubernetes(Optional.of(watched));

            StartFailure failure = catchThrowableOfType(StartFailure.class, () -> CoordinatorAssembly.start(settings));

            assertThat(failure.closed()).containsExactly("API server", "NetworkPolicy watch of cluster assembly-lab",
                    "rollback signals", "round service", "pod inventory of cluster assembly-lab", "Kubernetes clients",
                    "telemetry");

            AssemblySettings unwatched = AssemblySettings.of(workload.withWorkloadClusters(java.util.Set.of("other")),
                    List.of(LabExpectation.loaded("lab", Duration.ofSeconds(60))))
                    .withTelemetry(() -> Telemetry.builder().build()).withKubernetes(Optional.of(watched));
            StartFailure notWatched = catchThrowableOfType(StartFailure.class, () -> CoordinatorAssembly.start(unwatched));
            assertThat(notWatched).hasMessage("workloadMode.clusters names cluster other, which is not watched: its groups"
                    + " select its pods, read from its API server, so watch it (--kubernetes other[=KUBECONFIG])");
            assertThat(notWatched.closed()).containsExactly("Kubernetes clients", "telemetry");
        }
    }
}
