package io.reachproof.coordinator.kube;

import static io.reachproof.coordinator.testing.RoundReports.round;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.coordinator.rollback.RollbackSink;
import io.reachproof.coordinator.assembly.RollbackWiring;
import io.reachproof.coordinator.signal.SignalTracker;
import io.reachproof.coordinator.signal.SignalTracker.Confirmations;
import io.reachproof.coordinator.testing.MockCluster;
import io.reachproof.coordinator.testing.RoundReports;
import io.reachproof.protocol.PolicyChange;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two clusters recording Events, each on an API server of its own: every mismatch becomes an Event in exactly one
 * of them. The lab's hole goes from frontend in aws-lab to payments in gcp-lab.
 */
class MultiClusterEventsTest {

    private final MockCluster aws = MockCluster.start();
    private final MockCluster gcp = MockCluster.start();

    @AfterEach
    void stop() {
        aws.close();
        gcp.close();
    }

    /** Both clusters' sinks, creating Events on the calling thread. */
    private List<KubernetesEventSink> sinks() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-21T16:00:00Z"), ZoneOffset.UTC);
        Set<String> recording = Set.of("aws-lab", "gcp-lab");
        return List.of(
                new KubernetesEventSink("aws-lab", aws.client(), Runnable::run, () -> { }, clock, "coordinator-0", recording),
                new KubernetesEventSink("gcp-lab", gcp.client(), Runnable::run, () -> { }, clock, "coordinator-0", recording));
    }

    private static void send(List<KubernetesEventSink> sinks, RollbackSignal signal) {
        sinks.forEach(s -> s.send(signal));
    }

    /** Every Event of {@code cluster} as {@code namespace: Kind name}. */
    private static List<String> events(MockCluster cluster) {
        return cluster.client().events().v1().events().inAnyNamespace().list().getItems().stream()
                .map(MultiClusterEventsTest::describe).toList();
    }

    private static String describe(Event e) {
        return e.getMetadata().getNamespace() + ": " + e.getRegarding().getKind() + " " + e.getRegarding().getName();
    }

    private static RollbackSignal hole(RoundReports.Builder round) {
        return new SignalTracker(Confirmations.DEFAULT).observe(round.hole("frontend", "payments", 7001).build())
                .orElseThrow();
    }

    @Test
    void aMismatchIsRecordedOnItsSuspectPolicyInThatPolicysClusterOnly() {
        PolicyChange egress = new PolicyChange("aws-lab", "shop", "egress-lockdown", "u1", "7", "ADDED", 1L);

        send(sinks(), hole(round("lab", "r1", 1000).suspect(egress)));

        assertThat(events(aws)).containsExactly("shop: NetworkPolicy egress-lockdown");
        assertThat(events(gcp)).isEmpty();
    }

    @Test
    void withoutASuspectTheDestinationsClusterRecordsItOnTheNamespace() {
        send(sinks(), hole(round("lab", "r1", 1000)));

        assertThat(events(gcp)).containsExactly("payments: Namespace payments");
        assertThat(events(aws)).isEmpty();
    }

    @Test
    void aSuspectPolicyInAClusterOfNeitherEndIsNotBlamed() {
        // a NetworkPolicy of aws-lab acts on aws-lab's pods only: it cannot open a hole between two gcp-lab pods
        PolicyChange elsewhere = new PolicyChange("aws-lab", "shop", "egress-lockdown", "u1", "7", "ADDED", 1L);

        send(sinks(), hole(round("lab", "r1", 1000).clusters("gcp-lab", "gcp-lab").suspect(elsewhere)));

        assertThat(events(gcp)).containsExactly("payments: Namespace payments");
        assertThat(events(aws)).isEmpty();
    }

    @Test
    void theWiringGivesEachClusterASinkOfItsOwn() {
        Map<String, KubernetesClient> clients = new LinkedHashMap<>();
        clients.put("aws-lab", aws.client());
        clients.put("gcp-lab", gcp.client());
        List<RollbackSink> sinks = RollbackWiring.events(clients, "coordinator-0");
        try {
            assertThat(sinks).hasToString("[KubernetesEventSink[aws-lab], KubernetesEventSink[gcp-lab]]");

            RollbackSignal signal = hole(round("lab", "r1", 1000).suspect(RoundReports.change("payments", "allow-shop")));
            sinks.forEach(s -> s.send(signal));

            await().atMost(10, SECONDS).until(() -> events(gcp).equals(List.of("payments: NetworkPolicy allow-shop")));
            assertThat(((KubernetesEventSink) sinks.get(0)).recorded()).isZero();
            assertThat(((KubernetesEventSink) sinks.get(0)).failed()).isZero();
            assertThat(events(aws)).isEmpty();
        } finally {
            sinks.forEach(RollbackSink::close);
        }
    }
}
