package io.reachproof.coordinator.kube;

import static io.reachproof.coordinator.testing.RoundReports.round;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.coordinator.signal.SignalTracker;
import io.reachproof.coordinator.signal.SignalTracker.Confirmations;
import io.reachproof.coordinator.testing.RoundReports;
import io.reachproof.protocol.PolicyChange;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesEventSinkTest {

    KubernetesClient client;

    private KubernetesEventSink sink(String cluster) {
        return new KubernetesEventSink(cluster, client, Runnable::run, () -> { },
                Clock.fixed(Instant.parse("2026-11-21T16:00:00Z"), ZoneOffset.UTC), "coordinator-0");
    }

    private List<Event> events(String namespace) {
        return client.events().v1().events().inNamespace(namespace).list().getItems();
    }

    private static RollbackSignal opened(PolicyChange suspect) {
        return new SignalTracker(Confirmations.DEFAULT).observe(round("lab", "r1", 1000).suspect(suspect)
                .traceId("4bf92f3577b34da6a3ce929d0e0e4736").hole("frontend", "payments", 7001).build()).orElseThrow();
    }

    @Test
    void aMismatchWithAKnownSuspectBecomesAWarningOnThatNetworkPolicy() {
        RollbackSignal signal = opened(RoundReports.change("payments", "allow-shop"));

        sink("gcp-lab").send(signal);

        assertThat(events("payments")).singleElement().satisfies(e -> {
            assertThat(e.getReason()).isEqualTo("ReachabilityMismatch");
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getRegarding().getKind()).isEqualTo("NetworkPolicy");
            assertThat(e.getRegarding().getApiVersion()).isEqualTo("networking.k8s.io/v1");
            assertThat(e.getRegarding().getNamespace()).isEqualTo("payments");
            assertThat(e.getRegarding().getName()).isEqualTo("allow-shop");
            assertThat(e.getRegarding().getUid()).isEqualTo("uid-allow-shop");
            assertThat(e.getNote()).isEqualTo("lab: HOLE frontend -> payments 7001/TCP: expected deny, observed allow"
                    + " (CONNECTED), shop/frontend-aws-lab-0 (aws-lab) -> payments/payments-gcp-lab-0 (gcp-lab),"
                    + " rule lab.yaml:32");
            assertThat(e.getReportingController()).isEqualTo("reachproof.io/coordinator");
            assertThat(e.getReportingInstance()).isEqualTo("coordinator-0");
            assertThat(e.getEventTime().getTime()).isEqualTo("2026-11-21T16:00:00.000000Z");
            assertThat(e.getMetadata().getName()).startsWith("allow-shop.").hasSize("allow-shop.".length() + 16);
            assertThat(e.getMetadata().getLabels()).containsEntry("reachproof.io/idempotency-key",
                    signal.idempotencyKey()).containsEntry("reachproof.io/expectation", "lab");
            assertThat(e.getMetadata().getAnnotations()).containsEntry("reachproof.io/trace-id",
                    "4bf92f3577b34da6a3ce929d0e0e4736");
        });
    }

    @Test
    void withoutASuspectTheEventRegardsTheDestinationNamespaceAndLivesThere() {
        sink("gcp-lab").send(opened(null));

        assertThat(events("payments")).singleElement().satisfies(e -> {
            assertThat(e.getRegarding().getKind()).isEqualTo("Namespace");
            assertThat(e.getRegarding().getName()).isEqualTo("payments");
            assertThat(e.getReason()).isEqualTo("ReachabilityMismatch");
        });
    }

    @Test
    void aSuspectInAnotherClusterFallsBackToTheDestinationNamespace() {
        PolicyChange elsewhere = new PolicyChange("aws-lab", "shop", "egress", "u1", "7", "ADDED", 1L);

        sink("gcp-lab").send(opened(elsewhere));

        assertThat(events("payments")).extracting(e -> e.getRegarding().getKind()).containsExactly("Namespace");
    }

    @Test
    void aMismatchWhollyInAnotherClusterIsLeftToThatClustersSink() {
        KubernetesEventSink aws = sink("aws-lab");

        aws.send(opened(null));

        assertThat(events("payments")).isEmpty();
        assertThat(aws.recorded()).isZero();
    }

    @Test
    void resolvedIsANormalEventAndSendingASignalTwiceRecordsItOnce() {
        SignalTracker tracker = new SignalTracker(Confirmations.DEFAULT);
        tracker.observe(round("lab", "r1", 1000).hole("frontend", "payments", 7001).build());
        RollbackSignal resolved = tracker.observe(round("lab", "r2", 2000).denied("frontend", "payments", 7001)
                .build()).orElseThrow();
        KubernetesEventSink sink = sink("gcp-lab");

        sink.send(resolved);
        sink.send(resolved);

        assertThat(events("payments")).singleElement().satisfies(e -> {
            assertThat(e.getReason()).isEqualTo("ReachabilityRestored");
            assertThat(e.getType()).isEqualTo("Normal");
            assertThat(e.getNote()).startsWith("resolved: lab: HOLE frontend -> payments 7001/TCP");
        });
        assertThat(sink.recorded()).isEqualTo(1);
        assertThat(sink.failed()).isZero();
    }

    @Test
    void aLongListOfCellsIsCutToTheApiServersLimitSayingHowManyMore() {
        RoundReports.Builder many = round("lab", "r1", 1000);
        for (int i = 0; i < 40; i++) {
            many.agents(i).hole("frontend", "payments", 7001);
        }
        RollbackSignal signal = new SignalTracker(Confirmations.DEFAULT).observe(many.build()).orElseThrow();

        sink("gcp-lab").send(signal);

        String note = events("payments").get(0).getNote();
        assertThat(note.length()).isLessThanOrEqualTo(1024);
        assertThat(note).matches("lab: HOLE .* \\(\\+\\d+ more\\)");
    }
}
