package io.reachproof.coordinator.kube;

import static io.reachproof.coordinator.testing.RoundReports.round;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.coordinator.signal.SignalTracker;
import io.reachproof.coordinator.signal.SignalTracker.Confirmations;
import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.protocol.PolicyChange;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Kubernetes adapters against a real API server: K3s in a container (Testcontainers). Where no
 * container engine exists (this project's own machines have none) the test is skipped and says so; the
 * CRUD mock-server tests ({@link NetworkPolicyWatchTest}, {@link KubernetesEventSinkTest}) cover the same
 * code there.
 */
class K3sKubernetesIT {

    private static final DockerImageName K3S = DockerImageName.parse("rancher/k3s:v1.31.4-k3s1");

    @Test
    void aPolicyCreatedInARealClusterBecomesAChangeAndItsSignalAnEventOnThatPolicy() {
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "no container engine (Docker or Podman socket) on this machine: the K3s test needs one;"
                        + " NetworkPolicyWatchTest and KubernetesEventSinkTest cover these adapters on fabric8's mock server");
        try (K3sContainer k3s = new K3sContainer(K3S)) {
            k3s.start();
            try (KubernetesClient client = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build()) {
                client.resource(new NamespaceBuilder().withNewMetadata().withName("payments").endMetadata().build())
                        .create();
                List<PolicyChange> changes = new CopyOnWriteArrayList<>();
                try (NetworkPolicyWatch watch = NetworkPolicyWatch.start(client, "gcp-lab", Clock.systemUTC(),
                        PoliciesInForce.of(Optional.empty(), List.of("gcp-lab")), changes::add)) {
                    assertThat(watch.synced()).isTrue();
                    client.resource(new NetworkPolicyBuilder()
                            .withNewMetadata().withNamespace("payments").withName("allow-shop").endMetadata()
                            .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress").endSpec()
                            .build()).create();
                    await().atMost(60, SECONDS).until(() -> !changes.isEmpty());
                }
                PolicyChange added = changes.get(0);
                assertThat(added.action()).isEqualTo("ADDED");
                assertThat(added.namespace() + "/" + added.name()).isEqualTo("payments/allow-shop");

                RollbackSignal signal = new SignalTracker(Confirmations.DEFAULT).observe(round("lab", "r1", 1000)
                        .suspect(added).hole("frontend", "payments", 7001).build()).orElseThrow();
                new KubernetesEventSink("gcp-lab", client, Runnable::run, () -> { }, Clock.systemUTC(), "coordinator-0")
                        .send(signal);

                assertThat(client.events().v1().events().inNamespace("payments").list().getItems())
                        .singleElement().satisfies(e -> {
                            assertThat(e.getReason()).isEqualTo("ReachabilityMismatch");
                            assertThat(e.getRegarding().getKind()).isEqualTo("NetworkPolicy");
                            assertThat(e.getRegarding().getName()).isEqualTo("allow-shop");
                            assertThat(e.getRegarding().getUid()).isEqualTo(added.uid());
                        });
            }
        }
    }
}
