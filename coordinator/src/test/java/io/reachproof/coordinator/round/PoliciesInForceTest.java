package io.reachproof.coordinator.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.reachproof.policy.PolicyInput;
import io.reachproof.policy.PolicyInputReader;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class PoliciesInForceTest {

    private static final PolicyInput FILES = PolicyInputReader.readString("files.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: from-file, namespace: shop}
            spec: {podSelector: {}}
            """).input();

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final PoliciesInForce policies = new PoliciesInForce(Optional.of(FILES), List.of("gcp-prod"), warnings::add);

    static NetworkPolicy denyAll(String namespace, String name, String resourceVersion) {
        return new NetworkPolicyBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).withResourceVersion(resourceVersion).endMetadata()
                .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress").endSpec()
                .build();
    }

    /** {@code endPort} below {@code port}: what the engine rejects. */
    private static NetworkPolicy endPortBelowPort(String resourceVersion) {
        return new NetworkPolicyBuilder(denyAll("payments", "bad-range", resourceVersion)).editSpec()
                .addNewIngress().addNewPort().withPort(new IntOrString(8080)).withEndPort(80).endPort().endIngress()
                .endSpec().build();
    }

    private List<String> live(String cluster) {
        return policies.snapshot().policies().in(cluster).orElseThrow().policies().stream()
                .map(p -> p.object().getMetadata().getNamespace() + "/" + p.object().getMetadata().getName() + " at "
                        + p.positions().root())
                .toList();
    }

    @Test
    void aWatchedClusterHasNoPoliciesUntilListedAndOtherClustersHaveTheFiles() {
        assertThat(policies.snapshot().policies().in("gcp-prod")).isEmpty();
        assertThat(policies.snapshot().policies().in("aws-prod")).containsSame(FILES);
        assertThat(policies.describe()).isEqualTo("0 live NetworkPolicies of cluster gcp-prod and 1 NetworkPolicy from files"
                + " for the other clusters");

        assertThat(policies.replace("gcp-prod", List.of())).isTrue();

        assertThat(live("gcp-prod")).isEmpty();
        assertThat(policies.snapshot().policies().in("aws-prod")).containsSame(FILES);
    }

    @Test
    void everyChangeBumpsTheGenerationAndAVersionAlreadyInForceDoesNot() {
        policies.replace("gcp-prod", List.of(denyAll("shop", "a", "1")));
        long listed = policies.snapshot().generation();

        assertThat(policies.put("gcp-prod", denyAll("shop", "a", "1"))).isFalse();
        assertThat(policies.replace("gcp-prod", List.of(denyAll("shop", "a", "1")))).isFalse();
        assertThat(policies.snapshot().generation()).isEqualTo(listed);

        assertThat(policies.put("gcp-prod", denyAll("shop", "b", "2"))).isTrue();
        assertThat(policies.snapshot().generation()).isGreaterThan(listed);
        assertThat(live("gcp-prod")).containsExactly("shop/a at cluster gcp-prod:0:0", "shop/b at cluster gcp-prod:0:0");

        long added = policies.snapshot().generation();
        assertThat(policies.remove("gcp-prod", denyAll("shop", "a", "3"))).isTrue();
        assertThat(policies.remove("gcp-prod", denyAll("shop", "a", "3"))).isFalse();
        assertThat(policies.snapshot().generation()).isEqualTo(added + 1);
        assertThat(live("gcp-prod")).containsExactly("shop/b at cluster gcp-prod:0:0");
        assertThat(policies.describe()).isEqualTo("1 live NetworkPolicy of cluster gcp-prod and 1 NetworkPolicy from files"
                + " for the other clusters");
    }

    @Test
    void aListWithoutAPolicyDropsIt() {
        policies.replace("gcp-prod", List.of(denyAll("shop", "a", "1"), denyAll("shop", "b", "2")));

        assertThat(policies.replace("gcp-prod", List.of(denyAll("shop", "b", "2")))).isTrue();

        assertThat(live("gcp-prod")).containsExactly("shop/b at cluster gcp-prod:0:0");
    }

    @Test
    void anInvalidLivePolicyIsWarnedOnceAndLeftOutWhileTheRestStaysInForce() {
        policies.replace("gcp-prod", List.of(denyAll("shop", "a", "1")));

        assertThat(policies.put("gcp-prod", endPortBelowPort("2"))).isTrue();
        assertThat(policies.put("gcp-prod", endPortBelowPort("2"))).isFalse();

        assertThat(warnings).containsExactly("NetworkPolicy payments/bad-range in cluster gcp-prod is invalid and left out of"
                + " the policies in force (cells it selects are derived as if it did not exist):"
                + " spec.ingress[0].ports[0].endPort: endPort 80 is below port 8080");
        assertThat(live("gcp-prod")).containsExactly("shop/a at cluster gcp-prod:0:0");
        assertThat(policies.describe()).isEqualTo("1 live NetworkPolicy of cluster gcp-prod (1 invalid left out) and"
                + " 1 NetworkPolicy from files for the other clusters");

        assertThat(policies.put("gcp-prod", denyAll("payments", "bad-range", "3"))).isTrue();

        assertThat(live("gcp-prod")).containsExactly("payments/bad-range at cluster gcp-prod:0:0",
                "shop/a at cluster gcp-prod:0:0");
        assertThat(warnings).hasSize(1);
    }

    @Test
    void aValidPolicyThatBecomesInvalidLeavesThePoliciesInForce() {
        policies.replace("gcp-prod", List.of(denyAll("payments", "bad-range", "1")));

        policies.put("gcp-prod", endPortBelowPort("2"));

        assertThat(live("gcp-prod")).isEmpty();
        assertThat(warnings).hasSize(1);
    }

    @Test
    void onlyFilesOrOnlyAWatchedClusterAreDescribedAsSuch() {
        assertThat(PoliciesInForce.files(FILES).describe()).isEqualTo("1 NetworkPolicy from files");
        assertThat(PoliciesInForce.of(Optional.empty(), List.of()).configured()).isFalse();
        PoliciesInForce live = PoliciesInForce.of(Optional.empty(), List.of("gcp-prod"));
        live.replace("gcp-prod", List.of(denyAll("shop", "a", "1"), denyAll("shop", "b", "1")));

        assertThat(live.configured()).isTrue();
        assertThat(live.describe()).isEqualTo("2 live NetworkPolicies of cluster gcp-prod");
        assertThat(live.snapshot().policies().in("aws-prod")).isEmpty();
    }

    @Test
    void aClusterThatIsNotWatchedTakesNoLivePolicies() {
        assertThatThrownBy(() -> policies.put("aws-prod", denyAll("shop", "a", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cluster aws-prod is not watched (watched: gcp-prod)");
    }
}
