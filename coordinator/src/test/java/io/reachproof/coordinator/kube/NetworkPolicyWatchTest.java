package io.reachproof.coordinator.kube;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.protocol.PolicyChange;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class NetworkPolicyWatchTest {

    KubernetesClient client;

    private final List<PolicyChange> changes = new CopyOnWriteArrayList<>();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T16:00:00Z"), ZoneOffset.UTC);

    private static NetworkPolicy policy(String namespace, String name, String app) {
        return new NetworkPolicyBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec()
                    .withNewPodSelector().addToMatchLabels("app", app).endPodSelector()
                    .withPolicyTypes("Ingress")
                .endSpec()
                .build();
    }

    private static String describe(PolicyChange c) {
        return c.action() + " " + c.cluster() + " " + c.namespace() + "/" + c.name();
    }

    @Test
    void addedModifiedAndDeletedPoliciesBecomeChangesButTheBaselineDoesNot() {
        client.resource(policy("payments", "existing", "payments")).create();

        try (NetworkPolicyWatch watch = NetworkPolicyWatch.start(client, "gcp-lab", clock,
                PoliciesInForce.of(Optional.empty(), List.of("gcp-lab")), changes::add)) {
            assertThat(watch.synced()).isTrue();
            client.resource(policy("payments", "deny-all", "payments")).create();
            await().atMost(10, SECONDS).until(() -> changes.size() == 1);

            client.network().v1().networkPolicies().inNamespace("payments").withName("deny-all")
                    .edit(np -> new NetworkPolicyBuilder(np).editSpec().withPolicyTypes("Ingress", "Egress").endSpec()
                            .build());
            await().atMost(10, SECONDS).until(() -> changes.size() == 2);

            client.network().v1().networkPolicies().inNamespace("payments").withName("existing").delete();
            await().atMost(10, SECONDS).until(() -> changes.size() == 3);
        }

        assertThat(changes).extracting(NetworkPolicyWatchTest::describe).containsExactly(
                "ADDED gcp-lab payments/deny-all",
                "MODIFIED gcp-lab payments/deny-all",
                "DELETED gcp-lab payments/existing");
        PolicyChange added = changes.get(0);
        assertThat(added.uid()).isNotBlank();
        assertThat(added.resourceVersion()).isNotBlank();
        assertThat(added.atEpochMillis()).isEqualTo(clock.millis());
        assertThat(changes.get(1).resourceVersion()).isNotEqualTo(added.resourceVersion());
    }

    /** The live policies of {@code cluster} as {@code ns/name}. */
    private static List<String> inForce(PoliciesInForce policies, String cluster) {
        return policies.snapshot().policies().in(cluster).orElseThrow().policies().stream()
                .map(p -> p.object().getMetadata().getNamespace() + "/" + p.object().getMetadata().getName())
                .toList();
    }

    @Test
    void theBaselineIsInForceAtStartAndEveryChangeIsInForceBeforeTheCallbackHearsOfIt() {
        client.resource(policy("payments", "existing", "payments")).create();
        PoliciesInForce policies = PoliciesInForce.of(Optional.empty(), List.of("gcp-lab"));
        List<String> seenByCallback = new CopyOnWriteArrayList<>();

        try (NetworkPolicyWatch watch = NetworkPolicyWatch.start(client, "gcp-lab", clock, policies, c -> {
            changes.add(c);
            seenByCallback.add(describe(c) + ": " + inForce(policies, "gcp-lab"));
        })) {
            assertThat(watch.synced()).isTrue();
            assertThat(inForce(policies, "gcp-lab")).containsExactly("payments/existing");
            client.resource(policy("shop", "deny-all", "checkout")).create();
            await().atMost(10, SECONDS).until(() -> changes.size() == 1);
            client.network().v1().networkPolicies().inNamespace("payments").withName("existing").delete();
            await().atMost(10, SECONDS).until(() -> changes.size() == 2);
        }

        assertThat(seenByCallback).containsExactly(
                "ADDED gcp-lab shop/deny-all: [payments/existing, shop/deny-all]",
                "DELETED gcp-lab payments/existing: [shop/deny-all]");
    }

    @Test
    void anInvalidPolicyInTheClusterIsLeftOutAndTheWatchGoesOn() {
        PoliciesInForce policies = PoliciesInForce.of(Optional.empty(), List.of("gcp-lab"));
        try (NetworkPolicyWatch watch = NetworkPolicyWatch.start(client, "gcp-lab", clock, policies, changes::add)) {
            assertThat(watch.synced()).isTrue();
            client.resource(new NetworkPolicyBuilder(policy("payments", "bad-cidr", "payments")).editSpec()
                    .addNewIngress().addNewFrom().withNewIpBlock().withCidr("10.0.0.0/33").endIpBlock().endFrom().endIngress()
                    .endSpec().build()).create();
            client.resource(policy("shop", "deny-all", "checkout")).create();
            await().atMost(10, SECONDS).until(() -> changes.size() == 2);
        }

        assertThat(changes).extracting(NetworkPolicyWatchTest::describe)
                .containsExactly("ADDED gcp-lab payments/bad-cidr", "ADDED gcp-lab shop/deny-all");
        assertThat(inForce(policies, "gcp-lab")).containsExactly("shop/deny-all");
        assertThat(policies.describe()).isEqualTo("1 live NetworkPolicy of cluster gcp-lab (1 invalid left out)");
    }

    @Test
    void aFailingCallbackDoesNotStopTheWatch() {
        try (NetworkPolicyWatch watch = NetworkPolicyWatch.start(client, "aws-lab", clock,
                PoliciesInForce.of(Optional.empty(), List.of("aws-lab")), c -> {
            changes.add(c);
            throw new IllegalStateException("coordinator busy");
        })) {
            assertThat(watch.synced()).isTrue();
            client.resource(policy("shop", "a", "frontend")).create();
            client.resource(policy("shop", "b", "checkout")).create();

            await().atMost(10, SECONDS).until(() -> changes.size() == 2);
        }
        assertThat(changes).extracting(PolicyChange::name).containsExactly("a", "b");
    }
}
