package io.reachproof.coordinator;

import io.reachproof.coordinator.assembly.Coordinator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.reachproof.coordinator.kube.NetworkPolicyWatch;
import io.reachproof.coordinator.round.ExpectationFiles;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.coordinator.round.RoundSettings;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.RoundReport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator watching cluster gcp-lab on fabric8's CRUD mock API server, with real agents on loopback proving
 * {@code lab-policies.yaml} (fromPolicies, no policy files): the policies the API server holds are the policies in
 * force for gcp-lab's agents, and the round a change triggers already uses them.
 */
@EnableKubernetesMockClient(crud = true)
class LivePoliciesIT {

    private static final String SET = "lab-policies";

    KubernetesClient client;

    @TempDir
    Path spools;

    /** The 6 cells of gcp-lab (frontend-1 and checkout-4, 3 ports each way) as {@code from -> to port/protocol expected}. */
    private static List<String> cells(RoundReport report) {
        return report.cells().stream().map(c -> c.from().agentId() + " -> " + c.to().agentId() + " " + c.port() + "/"
                + c.protocol() + " " + c.expected().spelling()).sorted().toList();
    }

    private static List<String> expecting(String verdict) {
        return List.of("checkout-4 -> frontend-1 7001/TCP " + verdict, "checkout-4 -> frontend-1 7002/UDP " + verdict,
                "checkout-4 -> frontend-1 7003/HTTP " + verdict, "frontend-1 -> checkout-4 7001/TCP " + verdict,
                "frontend-1 -> checkout-4 7002/UDP " + verdict, "frontend-1 -> checkout-4 7003/HTTP " + verdict);
    }

    /** The first report whose suspect is the {@code action} of policy {@code name}: the round that change triggered. */
    private static Optional<RoundReport> triggeredBy(LoopbackFleet fleet, String action, String name) {
        return fleet.reports.stream().filter(r -> r.suspectChange() != null && r.suspectChange().action().equals(action)
                && r.suspectChange().name().equals(name)).findFirst();
    }

    @Test
    void aDenyAllCreatedInTheWatchedClusterIsExpectedByTheRoundItTriggersAndItsDeletionAllowsAgain() throws Exception {
        PoliciesInForce policies = PoliciesInForce.of(Optional.empty(), List.of("gcp-lab"));
        LoadedExpectation set = ExpectationFiles.load(List.of(Path.of("../expectations/examples/lab-policies.yaml"))).get(0)
                .withPolicies(policies);
        try (LoopbackFleet fleet = new LoopbackFleet(spools, LoopbackFleet.sixAgentsInThreeClusters())) {
            Coordinator coordinator = fleet.startCoordinator(LoopbackFleet.settings(0, false)
                    .withRounds(new RoundSettings(Duration.ofSeconds(3), 32, 100)), List.of(set));
            try (NetworkPolicyWatch watch = NetworkPolicyWatch.start(client, "gcp-lab", Clock.systemUTC(), policies,
                    coordinator::policyChanged)) {
                assertThat(watch.synced()).isTrue();
                fleet.startAgents(coordinator.url());
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    RoundReport r = coordinator.roundService().runAndWait(SET);
                    return r.complete() && r.coverage() == 1.0 && r.cells().size() == 6;
                });
                RoundReport before = coordinator.history().latest(SET).orElseThrow();
                assertThat(cells(before)).isEqualTo(expecting("allow"));
                assertThat(before.cells()).extracting(CellResult::decidedBy).containsOnly("no NetworkPolicy isolates either side");
                assertThat(before.mismatches()).isEmpty();

                client.resource(new NetworkPolicyBuilder()
                        .withNewMetadata().withNamespace("shop").withName("deny-all").endMetadata()
                        .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress").endSpec()
                        .build()).create();

                await().atMost(Duration.ofSeconds(30)).until(() -> triggeredBy(fleet, "ADDED", "deny-all").isPresent());
                RoundReport denied = triggeredBy(fleet, "ADDED", "deny-all").orElseThrow();
                assertThat(cells(denied)).isEqualTo(expecting("deny"));
                assertThat(denied.complete()).isTrue();
                assertThat(denied.cells()).extracting(CellResult::observed).containsOnly(ObservedVerdict.ALLOW);
                assertThat(denied.mismatches()).hasSize(6).allSatisfy(m -> {
                    assertThat(m.kind()).isEqualTo(MismatchKind.HOLE);
                    assertThat(m.cell().rule()).isEqualTo("../expectations/examples/lab-policies.yaml:23");
                    assertThat(m.cell().decidedBy()).isEqualTo("NetworkPolicy shop/deny-all (cluster gcp-lab)");
                });

                client.network().v1().networkPolicies().inNamespace("shop").withName("deny-all").delete();

                await().atMost(Duration.ofSeconds(30)).until(() -> triggeredBy(fleet, "DELETED", "deny-all").isPresent());
                RoundReport allowed = triggeredBy(fleet, "DELETED", "deny-all").orElseThrow();
                assertThat(cells(allowed)).isEqualTo(expecting("allow"));
                assertThat(allowed.cells()).extracting(CellResult::decidedBy)
                        .containsOnly("no NetworkPolicy isolates either side");
                assertThat(allowed.mismatches()).extracting(Mismatch::kind).isEmpty();
            }
        }
    }
}
