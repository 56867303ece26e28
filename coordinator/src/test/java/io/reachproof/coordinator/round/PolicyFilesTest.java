package io.reachproof.coordinator.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.policy.PolicyInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFilesTest {

    private static final String FROM_POLICIES = """
            apiVersion: reachproof.io/v1alpha1
            kind: ConnectivityExpectation
            metadata: {name: derived}
            spec:
              groups: {shop: {namespace: shop}}
              fromPolicies: {}
            ---
            apiVersion: reachproof.io/v1alpha1
            kind: ConnectivityExpectation
            metadata: {name: written}
            spec:
              groups: {shop: {namespace: shop}}
              expect: [{from: shop, to: shop, ports: [80], verdict: allow}]
            """;

    private static final String POLICY = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny, namespace: shop}
            spec:
              podSelector: {}
            """;

    @TempDir
    Path dir;

    @Test
    void anExpectationFromPoliciesWithoutPoliciesIsAnErrorNamingItAndTheSetting() throws Exception {
        List<LoadedExpectation> sets = ExpectationFiles.load("e.yaml", FROM_POLICIES);

        assertThatThrownBy(() -> PolicyFiles.attach(sets, PoliciesInForce.of(Optional.empty(), List.of()),
                "set 'policies' in coordinator.yaml"))
                .isInstanceOfSatisfying(ExpectationFiles.InvalidExpectations.class, e -> assertThat(e.problems()).containsExactly(
                        "e.yaml:6:3: expectation derived takes its verdicts from the NetworkPolicies (spec.fromPolicies),"
                                + " but no policies are configured: set 'policies' in coordinator.yaml"));
    }

    @Test
    void aWatchedClusterIsEnoughForAnExpectationFromPolicies() throws Exception {
        PoliciesInForce live = PoliciesInForce.of(Optional.empty(), List.of("gcp-prod"));

        List<LoadedExpectation> sets = PolicyFiles.attach(ExpectationFiles.load("e.yaml", FROM_POLICIES), live, "x");

        assertThat(sets.get(0).policies()).containsSame(live);
    }

    @Test
    void policiesGoToTheSetsThatDeriveFromThemOnly() throws Exception {
        Files.writeString(dir.resolve("deny.yaml"), POLICY);
        PolicyInput policies = PolicyFiles.load(List.of(dir));

        PoliciesInForce inForce = PoliciesInForce.files(policies);
        List<LoadedExpectation> sets = PolicyFiles.attach(ExpectationFiles.load("e.yaml", FROM_POLICIES), inForce, "x");

        assertThat(policies.policies()).hasSize(1);
        assertThat(sets).extracting(LoadedExpectation::name).containsExactly("derived", "written");
        assertThat(sets.get(0).policies()).containsSame(inForce);
        assertThat(sets.get(1).policies()).isEmpty();
        assertThat(inForce.snapshot().policies().in("any-cluster")).containsSame(policies);
        assertThat(inForce.describe()).isEqualTo("1 NetworkPolicy from files");
    }

    @Test
    void invalidPoliciesAreEveryErrorWithFileLineAndColumn() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, POLICY + "  ingress:\n  - ports: [{port: 80, endPort: 70}]\n");

        assertThatThrownBy(() -> PolicyFiles.load(List.of(bad)))
                .isInstanceOfSatisfying(PolicyFiles.InvalidPolicies.class, e -> assertThat(e.problems()).containsExactly(
                        bad + ":7:33: NetworkPolicy shop/deny: spec.ingress[0].ports[0].endPort: endPort 70 is below port 80"));
    }

    @Test
    void aPathWithoutNetworkPoliciesOrThatDoesNotExistIsAnError() throws Exception {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> PolicyFiles.load(List.of(missing)))
                .isInstanceOfSatisfying(PolicyFiles.InvalidPolicies.class,
                        e -> assertThat(e.problems()).containsExactly(missing + ": no such file or directory"));
        assertThatThrownBy(() -> PolicyFiles.load(List.of(dir)))
                .isInstanceOfSatisfying(PolicyFiles.InvalidPolicies.class,
                        e -> assertThat(e.problems()).containsExactly(dir + ": no NetworkPolicy found"));
    }

    @Test
    void anAliasBombAsAPoliciesFileIsAProblemNotAnOutOfMemoryError() throws Exception {
        StringBuilder bomb = new StringBuilder(POLICY).append("  ingress:\n  - from: &a0 [{podSelector: {}}, {podSelector: {}}]\n");
        for (int i = 1; i < 24; i++) {
            bomb.append("  - from: &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        }
        Path file = dir.resolve("bomb.yaml");
        Files.writeString(file, bomb);

        assertThatThrownBy(() -> PolicyFiles.load(List.of(file)))
                .isInstanceOfSatisfying(PolicyFiles.InvalidPolicies.class, e -> assertThat(e.problems()).containsExactly(
                        file + ":19:11: aliases of the anchor &a12 expand the document by more than 100000 nodes (the limit)"));
    }
}
