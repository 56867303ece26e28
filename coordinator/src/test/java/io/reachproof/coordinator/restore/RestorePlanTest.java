package io.reachproof.coordinator.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.reachproof.policy.PolicyInputReader;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RestorePlanTest {

    private static NetworkPolicy policy(String namespace, String name, String app) {
        return PolicyInputReader.readString(name + ".yaml", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: %s
                  namespace: %s
                  labels: {team: shop}
                  annotations: {kubectl.kubernetes.io/last-applied-configuration: '{}', owner: platform}
                spec:
                  podSelector: {matchLabels: {app: db}}
                  ingress: [{from: [{podSelector: {matchLabels: {app: %s}}}]}]
                """.formatted(name, namespace, app)).input().policies().get(0).object();
    }

    private static NetworkPolicy served(NetworkPolicy p, String resourceVersion) {
        NetworkPolicy copy = new NetworkPolicyBuilder(p)
                .editMetadata().withResourceVersion(resourceVersion).withUid("uid-" + resourceVersion)
                .withCreationTimestamp("2026-12-01T00:00:00Z").endMetadata().build();
        return copy;
    }

    private static Map<String, NetworkPolicy> set(NetworkPolicy... policies) {
        Map<String, NetworkPolicy> out = new TreeMap<>();
        for (NetworkPolicy p : policies) {
            out.put(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), p);
        }
        return out;
    }

    private static ProvenPolicies.Version proven(Map<String, NetworkPolicy> policies) {
        return new ProvenPolicies.Version(ProvenPolicies.id(policies), "gcp", 1L, "round-1", "shop", policies);
    }

    @Test
    void aChangedPolicyIsRestoredADeletedOneRecreatedANewOneDeletedOnlyInTheWritableNamespaces() {
        ProvenPolicies.Version proven = proven(set(served(policy("shop", "db", "web"), "1"),
                served(policy("shop", "cache", "web"), "2"), served(policy("payments", "ledger", "web"), "3")));
        Map<String, NetworkPolicy> live = set(
                served(policy("shop", "db", "nobody"), "7"),                // changed
                served(policy("shop", "hotfix", "all"), "8"),               // created since
                served(policy("payments", "ledger", "nobody"), "9"),        // changed, but not writable
                served(policy("shop", "cache", "web"), "10"));              // same content, new resourceVersion
        // shop/cache is unchanged; nothing else is missing

        RestorePlan plan = RestorePlan.between(proven, live, "shop"::equals);

        assertThat(plan.actions()).extracting(RestorePlan.Action::toString).containsExactly(
                "restore networkpolicy shop/db", "delete networkpolicy shop/hotfix");
        NetworkPolicy written = plan.actions().get(0).object();
        assertThat(written.getMetadata().getResourceVersion()).isNull();
        assertThat(written.getMetadata().getUid()).isNull();
        assertThat(written.getMetadata().getCreationTimestamp()).isNull();
        assertThat(written.getMetadata().getAnnotations()).as("kubectl's copy of another version is not written back")
                .isEqualTo(Map.of("owner", "platform"));
        assertThat(written.getMetadata().getLabels()).isEqualTo(Map.of("team", "shop"));
        assertThat(written.getSpec()).isEqualTo(proven.policies().get("shop/db").getSpec());
        assertThat(plan.versionId()).isEqualTo(proven.id());

        live.remove("shop/cache");
        assertThat(RestorePlan.between(proven, live, "shop"::equals).actions()).extracting(RestorePlan.Action::toString)
                .contains("recreate networkpolicy shop/cache");
    }

    @Test
    void theProvenSetItselfNeedsNothingAndItsIdIgnoresWhatTheServerSets() {
        Map<String, NetworkPolicy> a = set(served(policy("shop", "db", "web"), "1"));
        Map<String, NetworkPolicy> b = set(served(policy("shop", "db", "web"), "99"));
        assertThat(RestorePlan.between(proven(a), b, ns -> true).empty()).isTrue();
        assertThat(ProvenPolicies.id(a)).isEqualTo(ProvenPolicies.id(b)).startsWith("pv-").hasSize(15);
        assertThat(ProvenPolicies.id(set(policy("shop", "db", "other")))).isNotEqualTo(ProvenPolicies.id(a));
    }
}
