package io.reachproof.coordinator.kube;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.coordinator.testing.MockCluster;
import io.reachproof.protocol.PolicyChange;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two clusters watched at once, each on an API server of its own (fabric8's CRUD mock server). */
class MultiClusterWatchTest {

    private final MockCluster aws = MockCluster.start();
    private final MockCluster gcp = MockCluster.start();
    private final PoliciesInForce policies = PoliciesInForce.of(Optional.empty(), List.of("aws-lab", "gcp-lab"));
    private final List<PolicyChange> changes = new CopyOnWriteArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<NetworkPolicyWatch> watches = new CopyOnWriteArrayList<>();
    private final List<KubernetesClient> clients = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        watches.forEach(NetworkPolicyWatch::close);
        clients.forEach(KubernetesClient::close);
        aws.close();
        gcp.close();
    }

    private static NetworkPolicy denyAll(String namespace) {
        return new NetworkPolicyBuilder()
                .withNewMetadata().withNamespace(namespace).withName("deny-all").endMetadata()
                .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress").endSpec()
                .build();
    }

    /** Watches {@code cluster} as {@code name}, as the coordinator does: a client of its own, from a kubeconfig. */
    private NetworkPolicyWatch watch(MockCluster cluster, String name, Consumer<PolicyChange> onChange) {
        KubernetesClient client = KubernetesClients.connect(cluster.kubeconfig(dir.resolve(name + ".kubeconfig")), null);
        clients.add(client);
        NetworkPolicyWatch w = NetworkPolicyWatch.start(client, name, Clock.systemUTC(), policies, onChange,
                Duration.ofMillis(100), (level, message) -> log.add(level + " " + message));
        watches.add(w);
        return w;
    }

    /** The live policies of {@code cluster} as {@code ns/name}. */
    private List<String> inForce(String cluster) {
        return policies.snapshot().policies().in(cluster).orElseThrow().policies().stream()
                .map(p -> p.object().getMetadata().getNamespace() + "/" + p.object().getMetadata().getName())
                .toList();
    }

    private static String describe(PolicyChange c) {
        return c.action() + " " + c.cluster() + " " + c.namespace() + "/" + c.name();
    }

    @Test
    void aPolicyCreatedInOneClusterIsInForceThereOnlyAndItsChangeNamesThatCluster() {
        aws.client().resource(denyAll("payments")).create();
        watch(aws, "aws-lab", changes::add);
        watch(gcp, "gcp-lab", changes::add);
        assertThat(policies.describe())
                .isEqualTo("1 live NetworkPolicy of cluster aws-lab and 0 live NetworkPolicies of cluster gcp-lab");

        gcp.client().resource(denyAll("shop")).create();

        await().atMost(10, SECONDS).until(() -> changes.size() == 1);
        assertThat(changes).extracting(MultiClusterWatchTest::describe).containsExactly("ADDED gcp-lab shop/deny-all");
        assertThat(inForce("gcp-lab")).containsExactly("shop/deny-all");
        assertThat(inForce("aws-lab")).containsExactly("payments/deny-all");
    }

    @Test
    void aFailingHandlerInOneClusterLeavesTheOtherClustersWatchAlone() {
        watch(aws, "aws-lab", c -> {
            changes.add(c);
            throw new IllegalStateException("aws-lab handler broken");
        });
        watch(gcp, "gcp-lab", changes::add);

        aws.client().resource(denyAll("shop")).create();
        await().atMost(10, SECONDS).until(() -> changes.size() == 1);
        gcp.client().resource(denyAll("payments")).create();
        aws.client().resource(denyAll("payments")).create();

        await().atMost(10, SECONDS).until(() -> changes.size() == 3);
        assertThat(changes).extracting(MultiClusterWatchTest::describe).containsExactlyInAnyOrder(
                "ADDED aws-lab shop/deny-all", "ADDED gcp-lab payments/deny-all", "ADDED aws-lab payments/deny-all");
        assertThat(inForce("aws-lab")).containsExactly("payments/deny-all", "shop/deny-all");
        assertThat(inForce("gcp-lab")).containsExactly("payments/deny-all");
    }

    @Test
    void aClusterWhoseApiServerGoesAwayIsLoggedAndCaughtUpWhileTheOtherClusterIsWatchedOn() {
        aws.client().resource(denyAll("payments")).create();
        NetworkPolicyWatch awsWatch = watch(aws, "aws-lab", changes::add);
        NetworkPolicyWatch gcpWatch = watch(gcp, "gcp-lab", changes::add);
        String awsUrl = aws.url();

        aws.stop();

        await().atMost(10, SECONDS).until(() -> log.contains("WARN NetworkPolicy watch of cluster aws-lab lost its API"
                + " server " + awsUrl + ": the client reconnects on its own; until then the policies in force there stay"
                + " as last seen"));
        assertThat(awsWatch.watching()).isFalse();
        assertThat(inForce("aws-lab")).containsExactly("payments/deny-all");
        gcp.client().resource(denyAll("shop")).create();
        await().atMost(10, SECONDS).until(() -> changes.size() == 1);
        assertThat(gcpWatch.watching()).isTrue();

        aws.restart();
        aws.client().resource(denyAll("shop")).create();

        await().atMost(30, SECONDS).until(() -> inForce("aws-lab").contains("shop/deny-all"));
        await().atMost(10, SECONDS).until(() -> log.contains("INFO NetworkPolicy watch of cluster aws-lab is back:"
                + " watching " + awsUrl + " again"));
        assertThat(changes).extracting(MultiClusterWatchTest::describe)
                .containsExactly("ADDED gcp-lab shop/deny-all", "ADDED aws-lab shop/deny-all");
        assertThat(log).noneMatch(line -> line.contains("gcp-lab"));
    }

    @Test
    void aClusterWhosePoliciesCannotBeListedFailsToStartAndLeavesNothingRunning() {
        gcp.server().expect().get().withPath("/apis/networking.k8s.io/v1/networkpolicies").andReturn(403,
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403,"
                        + "\"message\":\"networkpolicies.networking.k8s.io is forbidden: User \\\"reachproof\\\" cannot"
                        + " list resource \\\"networkpolicies\\\" in API group \\\"networking.k8s.io\\\" at the cluster"
                        + " scope\"}").always();

        KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
                () -> watch(gcp, "gcp-lab", changes::add));

        assertThat(KubernetesClients.problem(e)).isEqualTo("HTTP 403 Forbidden: networkpolicies.networking.k8s.io is"
                + " forbidden: User \"reachproof\" cannot list resource \"networkpolicies\" in API group"
                + " \"networking.k8s.io\" at the cluster scope");
        assertThat(watches).isEmpty();
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .doesNotContain("reachproof-watch-gcp-lab");
    }

    @Test
    void anApiServerThatIsGoneIsReportedAsUnreachable() {
        String url = aws.url();
        aws.stop();
        // no retries: fabric8's default backoff would take 20 s to give up
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(url)
                .withTrustCerts(true).withRequestRetryBackoffLimit(0).build()).build()) {

            KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class,
                    () -> NetworkPolicyWatch.start(client, "aws-lab", Clock.systemUTC(), policies, changes::add));

            assertThat(KubernetesClients.problem(e)).isEqualTo("cannot connect");
        }
        assertThat(watches).isEmpty();
    }
}
