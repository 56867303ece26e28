package io.reachproof.coordinator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.reachproof.coordinator.plan.WorkloadPod;
import io.reachproof.protocol.Responder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pods workload mode can probe as, from fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class PodInventoryTest {

    KubernetesClient client;

    private static Pod pod(String namespace, String name, String node, String ip, String phase, boolean hostNetwork,
            Map<String, String> labels, int... ports) {
        PodBuilder b = new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withNodeName(node).withHostNetwork(hostNetwork).addNewContainer().withName("app")
                .withImage("app").endContainer().endSpec()
                .withNewStatus().withPhase(phase).withPodIP(ip).endStatus();
        Pod pod = b.build();
        for (int port : ports) {
            pod.getSpec().getContainers().get(0).getPorts().add(new io.fabric8.kubernetes.api.model.ContainerPortBuilder()
                    .withContainerPort(port).withProtocol(port == 53 ? "UDP" : null).build());
        }
        return pod;
    }

    @Test
    void runningPodsOffTheHostNetworkWithTheirNodeLabelsNamespaceLabelsAndPorts() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
                .withLabels(Map.of("team", "web")).endMetadata().build()).create();
        String uid = client.pods().inNamespace("shop").resource(pod("shop", "frontend-1", "node-a", "10.8.0.4", "Running",
                false, Map.of("app", "frontend"), 8080, 53)).create().getMetadata().getUid(); // the API server's
        client.pods().inNamespace("shop").resource(pod("shop", "pending-1", "node-a", null, "Pending", false,
                Map.of("app", "frontend"))).create();
        client.pods().inNamespace("shop").resource(pod("shop", "node-exporter", "node-a", "192.168.1.5", "Running", true,
                Map.of("app", "exporter"), 9100)).create();

        try (PodInventory inventory = PodInventory.start(client, "gke-prod")) {
            List<WorkloadPod> pods = inventory.pods();

            assertThat(pods).singleElement().satisfies(p -> {
                assertThat(p.cluster()).isEqualTo("gke-prod");
                assertThat(p.ref()).isEqualTo(new io.reachproof.protocol.PodRef("shop", "frontend-1", uid, "10.8.0.4"));
                assertThat(p.node()).isEqualTo("node-a");
                assertThat(p.labels()).isEqualTo(Map.of("app", "frontend"));
                assertThat(p.namespaceLabels()).isEqualTo(Map.of("team", "web"));
                assertThat(p.ports()).containsExactly(new Responder(8080, "TCP"), new Responder(53, "UDP"));
            });

            client.pods().inNamespace("shop").resource(pod("shop", "checkout-1", "node-b", "10.8.1.7", "Running", false,
                    Map.of("app", "checkout"), 8443)).create();
            await().atMost(Duration.ofSeconds(10)).until(() -> inventory.pods().size() == 2);
            assertThat(inventory.pods()).extracting(WorkloadPod::name, WorkloadPod::node)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("checkout-1", "node-b"),
                            org.assertj.core.groups.Tuple.tuple("frontend-1", "node-a"));

            client.pods().inNamespace("shop").withName("frontend-1").delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> inventory.pods().size() == 1);
        }
    }
}
