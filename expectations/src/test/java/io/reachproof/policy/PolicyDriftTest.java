package io.reachproof.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.policy.PolicyDrift.State;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Drift on a namespace of three pods (web, db, other): the reference policy lets only web reach db's 5432, so a
 * drifted version that lets every pod of the namespace in changes exactly one cell (other -> db 5432/TCP).
 */
class PolicyDriftTest {

    private static final String TOPOLOGY = """
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: v1, kind: Namespace, metadata: {name: app}}
            - apiVersion: v1
              kind: Pod
              metadata: {name: web, namespace: app, labels: {app: web}}
              spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
            - apiVersion: v1
              kind: Pod
              metadata: {name: db, namespace: app, labels: {app: db}}
              spec: {containers: [{name: c, ports: [{containerPort: 5432}]}]}
            - apiVersion: v1
              kind: Pod
              metadata: {name: other, namespace: app, labels: {app: other}}
              spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
            """;

    /** db from web only, written with the API server's defaults spelled out. */
    private static final String DB_FROM_WEB = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db, namespace: app, resourceVersion: "17", uid: abc, annotations: {note: x}}
            spec:
              podSelector: {matchLabels: {app: db}}
              policyTypes: [Ingress]
              ingress:
              - from: [{podSelector: {matchLabels: {app: web}}}]
                ports: [{port: 5432, protocol: TCP}]
            """;

    /** The same policy as a repository holds it: no protocol, no policyTypes, no server fields. */
    private static final String DB_FROM_WEB_AS_WRITTEN = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db, namespace: app}
            spec:
              podSelector: {matchLabels: {app: db}}
              ingress:
              - from: [{podSelector: {matchLabels: {app: web}}}]
                ports: [{port: 5432}]
            """;

    /** db from every pod of the namespace. */
    private static final String DB_FROM_ALL = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db, namespace: app}
            spec:
              podSelector: {matchLabels: {app: db}}
              ingress:
              - from: [{podSelector: {}}]
                ports: [{port: 5432}]
            """;

    /** A hand-applied hotfix: web denies all ingress (closes other -> web 80 and db -> web 80). */
    private static final String WEB_DENY = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web-deny, namespace: app}
            spec:
              podSelector: {matchLabels: {app: web}}
            """;

    private static PolicyDrift.ClusterState cluster(String name, String... policies) {
        return new PolicyDrift.ClusterState(name, policies(policies), PolicyInputReader.readString(name + "/topology.yaml",
                TOPOLOGY).input());
    }

    private static List<Located<NetworkPolicy>> policies(String... texts) {
        return PolicyInputReader.readString("policies.yaml", String.join("---\n", texts)).input().policies();
    }

    private static PolicyDrift.Report compare(PolicyDrift.ClusterState... clusters) {
        return PolicyDrift.compare(List.of(clusters), Optional.empty(), ns -> true);
    }

    @Test
    void theSamePolicyWithOrWithoutTheServersDefaultsAndFieldsIsNoDrift() {
        PolicyDrift.Report report = compare(cluster("a", DB_FROM_WEB), cluster("b", DB_FROM_WEB_AS_WRITTEN));

        assertThat(report.drift()).isEmpty();
        assertThat(report.clusterPairs()).containsExactly(new PolicyDrift.ClusterPair("a", "b", 0));
    }

    @Test
    void aDifferentVersionNamesItsFieldsAndTheOneCellItChanges() {
        PolicyDrift.Report report = compare(cluster("a", DB_FROM_WEB), cluster("b", DB_FROM_ALL), cluster("c", DB_FROM_WEB));

        assertThat(report.drift()).singleElement().satisfies(e -> {
            assertThat(e.namespace() + "/" + e.name()).isEqualTo("app/db");
            assertThat(e.clusters()).isEqualTo(Map.of("a", State.PRESENT, "b", State.DIFFERS, "c", State.PRESENT));
            assertThat(e.reference()).isEqualTo("a");
            assertThat(e.fields()).containsExactly(
                    "spec.ingress[0].from[0].podSelector.matchLabels: {\"app\":\"web\"} (a, c) vs (absent) (b)");
            assertThat(e.cellsAffected()).isEqualTo(1);
        });
        assertThat(report.clusterPairs()).containsExactly(new PolicyDrift.ClusterPair("a", "b", 1),
                new PolicyDrift.ClusterPair("a", "c", 0), new PolicyDrift.ClusterPair("b", "c", 1));
    }

    @Test
    void aPolicyOnlyOneOfThreeClustersCarriesIsExtraThere() {
        PolicyDrift.Report report = compare(cluster("a", DB_FROM_WEB), cluster("b", DB_FROM_WEB, WEB_DENY),
                cluster("c", DB_FROM_WEB));

        assertThat(report.drift()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("web-deny");
            assertThat(e.clusters()).isEqualTo(Map.of("a", State.ABSENT, "b", State.EXTRA, "c", State.ABSENT));
            assertThat(e.reference()).isEqualTo(PolicyDrift.ABSENT_REFERENCE);
            assertThat(e.cellsAffected()).as("other -> web 80 and db -> web 80").isEqualTo(2);
        });
    }

    @Test
    void againstASourceOfTruthClustersAreMissingDifferingOrExtra() {
        PolicyDrift.Report report = PolicyDrift.compare(List.of(cluster("a"), cluster("b", DB_FROM_ALL, WEB_DENY),
                cluster("c", DB_FROM_WEB_AS_WRITTEN)), Optional.of(policies(DB_FROM_WEB)), ns -> true);

        assertThat(report.drift()).hasSize(2);
        assertThat(report.drift().get(0)).satisfies(e -> {
            assertThat(e.name()).isEqualTo("db");
            assertThat(e.reference()).isEqualTo(PolicyDrift.SOURCE);
            assertThat(e.clusters()).isEqualTo(Map.of("a", State.MISSING, "b", State.DIFFERS, "c", State.PRESENT));
            assertThat(e.fields()).singleElement().asString().endsWith("(source) vs (absent) (b)");
            assertThat(e.cellsAffected()).as("other -> db 5432, closed in a by adding it and in b by its version")
                    .isEqualTo(2);
        });
        assertThat(report.drift().get(1)).satisfies(e -> {
            assertThat(e.name()).isEqualTo("web-deny");
            assertThat(e.clusters()).isEqualTo(Map.of("a", State.ABSENT, "b", State.EXTRA, "c", State.ABSENT));
        });
    }

    @Test
    void onlyTheGivenNamespacesAreCompared() {
        PolicyDrift.Report report = PolicyDrift.compare(List.of(cluster("a", DB_FROM_WEB), cluster("b", DB_FROM_ALL)),
                Optional.empty(), ns -> !ns.equals("app"));

        assertThat(report.drift()).isEmpty();
        assertThat(report.clusterPairs()).as("reachability still differs").containsExactly(
                new PolicyDrift.ClusterPair("a", "b", 1));
    }
}
