package io.reachproof.coordinator.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.policy.PolicyDrift;
import io.reachproof.policy.PolicyInput;
import io.reachproof.policy.PolicyInputReader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DriftMonitorTest {

    private static final String TOPOLOGY = """
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: v1, kind: Namespace, metadata: {name: app}}
            - {apiVersion: v1, kind: Pod, metadata: {name: web, namespace: app, labels: {app: web}}, spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}}
            - {apiVersion: v1, kind: Pod, metadata: {name: db, namespace: app, labels: {app: db}}, spec: {containers: [{name: c, ports: [{containerPort: 5432}]}]}}
            - {apiVersion: v1, kind: Pod, metadata: {name: other, namespace: app, labels: {app: other}}, spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}}
            """;

    private static final String DB_FROM = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db, namespace: app}
            spec:
              podSelector: {matchLabels: {app: db}}
              ingress:
              - from: [{podSelector: {matchLabels: {app: %s}}}]
                ports: [{port: 5432}]
            """;

    private final PoliciesInForce policies = PoliciesInForce.of(Optional.empty(), List.of("aws", "gcp"));
    private final PolicyInput topology = PolicyInputReader.readString("topology.yaml", TOPOLOGY).input();
    private final List<DriftSignal> sent = new ArrayList<>();
    private final AtomicBoolean leading = new AtomicBoolean(true);
    private final DriftMonitor monitor = new DriftMonitor(
            List.of(new SyncGroup("app", List.of("aws", "gcp"), List.of("app"), Optional.empty(), "each other")),
            policies, cluster -> topology, sent::add, leading::get, Clock.systemUTC(), Duration.ofHours(1));

    private static NetworkPolicy dbFrom(String app) {
        return PolicyInputReader.readString("db.yaml", DB_FROM.formatted(app)).input().policies().get(0).object();
    }

    @Test
    void aGroupWaitsUntilEveryClusterListedItsPolicies() {
        policies.replace("aws", List.of(dbFrom("web")));

        monitor.check();

        assertThat(monitor.current()).singleElement().satisfies(g -> {
            assertThat(g.waitingFor()).containsExactly("gcp");
            assertThat(g.report().drift()).isEmpty();
        });
        assertThat(sent).isEmpty();
    }

    @Test
    void aHandEditIsSignalledOnceWithItsCellsAndItsRevertResolvesIt() {
        policies.replace("aws", List.of(dbFrom("web")));
        policies.replace("gcp", List.of(dbFrom("web")));
        monitor.check();
        assertThat(monitor.current().get(0).report().drift()).isEmpty();

        policies.put("gcp", dbFrom("other"));
        monitor.check();
        monitor.check();

        assertThat(sent).singleElement().satisfies(s -> {
            assertThat(s.resolved()).isFalse();
            assertThat(s.group()).isEqualTo("app");
            assertThat(s.entry().clusters()).isEqualTo(Map.of("aws", PolicyDrift.State.PRESENT, "gcp", PolicyDrift.State.DIFFERS));
            assertThat(s.entry().cellsAffected()).as("web -> db and other -> db swap verdicts in gcp").isEqualTo(2);
            assertThat(s.idempotencyKey()).matches("rpd-[0-9a-f]{32}");
            assertThat(s.describe()).isEqualTo("app/db of sync group app: differs in gcp (reference: aws); 2 cells affected");
        });
        assertThat(monitor.driftedPolicies()).isEqualTo(Map.of(List.of("aws", "app"), 0L, List.of("gcp", "app"), 1L));

        policies.put("gcp", dbFrom("web"));
        monitor.check();

        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).resolved()).isTrue();
        assertThat(sent.get(1).idempotencyKey()).isNotEqualTo(sent.get(0).idempotencyKey());
        assertThat(monitor.driftedPolicies()).as("the series stay, at 0")
                .isEqualTo(Map.of(List.of("aws", "app"), 0L, List.of("gcp", "app"), 0L));
    }

    @Test
    void aStandbyComparesButSendsNothingAndOnceElectedSendsTheDriftItFindsUnderTheKeyAnyLeaderWouldUse() {
        leading.set(false);
        policies.replace("aws", List.of(dbFrom("web")));
        policies.replace("gcp", List.of(dbFrom("other")));
        monitor.check();
        assertThat(sent).isEmpty();
        assertThat(monitor.current().get(0).report().drift()).hasSize(1);

        leading.set(true);
        monitor.check();

        List<DriftSignal> fresh = new ArrayList<>();
        new DriftMonitor(List.of(new SyncGroup("app", List.of("aws", "gcp"), List.of("app"), Optional.empty(),
                "each other")), policies, cluster -> topology, fresh::add, () -> true, Clock.systemUTC(),
                Duration.ofHours(1)).check();
        assertThat(sent).singleElement().extracting(DriftSignal::idempotencyKey)
                .isEqualTo(fresh.get(0).idempotencyKey());
    }
}
