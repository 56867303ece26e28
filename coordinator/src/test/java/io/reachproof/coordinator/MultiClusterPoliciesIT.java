package io.reachproof.coordinator;

import io.reachproof.coordinator.assembly.Coordinator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.reachproof.coordinator.kube.KubernetesClients;
import io.reachproof.coordinator.kube.NetworkPolicyWatch;
import io.reachproof.coordinator.rollback.RollbackSink;
import io.reachproof.coordinator.assembly.RollbackWiring;
import io.reachproof.coordinator.signal.SignalTracker.Confirmations;
import io.reachproof.coordinator.round.ExpectationFiles;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.coordinator.round.RoundSettings;
import io.reachproof.coordinator.testing.MockCluster;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.Verdict;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One coordinator watching two clusters, aws-lab and gcp-lab, each on an API server of its own (fabric8's CRUD mock
 * server, reached through a kubeconfig), with real agents on loopback proving {@code lab-policies.yaml}: a policy
 * created in gcp-lab changes the expected verdicts of gcp-lab's agents only, and its Event lands in gcp-lab.
 */
class MultiClusterPoliciesIT {

    private static final String SET = "lab-policies";

    @TempDir
    Path dir;

    private final MockCluster aws = MockCluster.start();
    private final MockCluster gcp = MockCluster.start();
    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        aws.close();
        gcp.close();
    }

    /** The cells inside {@code cluster} as {@code from -> to port/protocol expected (decided by)}. */
    private static List<String> cells(RoundReport report, String cluster) {
        return report.cells().stream().filter(c -> c.from().cluster().equals(cluster) && c.to().cluster().equals(cluster))
                .map(c -> c.from().agentId() + " -> " + c.to().agentId() + " " + c.port() + "/" + c.protocol() + " "
                        + c.expected().spelling() + " (" + c.decidedBy() + ")")
                .sorted().toList();
    }

    /** The 6 cells between {@code a} and {@code b} (3 responders each way), all expected {@code verdict}. */
    private static List<String> expecting(String a, String b, String verdict, String decidedBy) {
        List<String> cells = new ArrayList<>();
        for (String[] pair : new String[][] {{a, b}, {b, a}}) {
            for (String port : List.of("7001/TCP", "7002/UDP", "7003/HTTP")) {
                cells.add(pair[0] + " -> " + pair[1] + " " + port + " " + verdict + " (" + decidedBy + ")");
            }
        }
        return cells.stream().sorted().toList();
    }

    private static Optional<RoundReport> triggeredBy(LoopbackFleet fleet, String cluster, String name) {
        return fleet.reports.stream().filter(r -> r.suspectChange() != null && r.suspectChange().cluster().equals(cluster)
                && r.suspectChange().name().equals(name)).findFirst();
    }

    private static List<String> events(MockCluster cluster) {
        return cluster.client().events().v1().events().inAnyNamespace().list().getItems().stream()
                .map(e -> e.getMetadata().getNamespace() + ": " + e.getReason() + " on " + e.getRegarding().getKind() + " "
                        + e.getRegarding().getName())
                .toList();
    }

    @Test
    void aPolicyCreatedInOneClusterChangesTheVerdictsOfThatClustersAgentsOnlyAndItsEventLandsThere() throws Exception {
        PoliciesInForce policies = PoliciesInForce.of(Optional.empty(), List.of("aws-lab", "gcp-lab"));
        LoadedExpectation set = ExpectationFiles.load(List.of(Path.of("../expectations/examples/lab-policies.yaml"))).get(0)
                .withPolicies(policies);
        Map<String, KubernetesClient> clients = new LinkedHashMap<>();
        for (Map.Entry<String, MockCluster> c : Map.of("aws-lab", aws, "gcp-lab", gcp).entrySet()) {
            KubernetesClient client = KubernetesClients.connect(c.getValue().kubeconfig(dir.resolve(c.getKey())), null);
            started.add(client);
            clients.put(c.getKey(), client);
        }
        List<RollbackSink> sinks = RollbackWiring.events(clients, "coordinator-0");
        LoopbackFleet fleet = new LoopbackFleet(dir, LoopbackFleet.sixAgentsInThreeClusters());
        started.add(fleet);
        Coordinator coordinator = fleet.startCoordinator(LoopbackFleet.settings(0, false)
                .withRounds(new RoundSettings(Duration.ofSeconds(3), 32, 100)), List.of(set),
                c -> started.add(RollbackWiring.install(c, sinks, Confirmations.DEFAULT, Optional.empty())));
        clients.forEach((cluster, client) -> started.add(NetworkPolicyWatch.start(client, cluster, Clock.systemUTC(),
                policies, coordinator::policyChanged)));
        fleet.startAgents(coordinator.url());

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            RoundReport r = coordinator.roundService().runAndWait(SET);
            // 6 cells inside each watched cluster, 12 each way between them (azure-lab's policies are not known)
            return r.complete() && r.coverage() == 1.0 && r.cells().size() == 36;
        });
        RoundReport before = coordinator.history().latest(SET).orElseThrow();
        assertThat(cells(before, "aws-lab"))
                .isEqualTo(expecting("frontend-0", "payments-6", "allow", "no NetworkPolicy isolates either side"));
        assertThat(cells(before, "gcp-lab"))
                .isEqualTo(expecting("frontend-1", "checkout-4", "allow", "no NetworkPolicy isolates either side"));
        assertThat(before.mismatches()).isEmpty();
        assertThat(before.cells()).filteredOn(c -> !c.from().cluster().equals(c.to().cluster())).hasSize(24)
                .allSatisfy(c -> {
                    assertThat(List.of(c.from().cluster(), c.to().cluster())).containsOnly("aws-lab", "gcp-lab");
                    assertThat(c.expected()).isEqualTo(Verdict.ALLOW);
                });

        gcp.client().resource(new NetworkPolicyBuilder()
                .withNewMetadata().withNamespace("shop").withName("deny-all").endMetadata()
                .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress").endSpec()
                .build()).create();

        await().atMost(Duration.ofSeconds(30)).until(() -> triggeredBy(fleet, "gcp-lab", "deny-all").isPresent());
        RoundReport denied = triggeredBy(fleet, "gcp-lab", "deny-all").orElseThrow();
        assertThat(denied.complete()).isTrue();
        assertThat(cells(denied, "gcp-lab"))
                .isEqualTo(expecting("frontend-1", "checkout-4", "deny", "NetworkPolicy shop/deny-all (cluster gcp-lab)"));
        assertThat(cells(denied, "aws-lab"))
                .isEqualTo(expecting("frontend-0", "payments-6", "allow", "no NetworkPolicy isolates either side"));
        // 6 inside gcp-lab and the 12 from aws-lab into gcp-lab's shop: the deny-all isolates them from every address
        assertThat(denied.mismatches()).hasSize(18).allSatisfy(m -> {
            assertThat(m.kind()).isEqualTo(MismatchKind.HOLE);
            assertThat(m.cell().to().cluster()).isEqualTo("gcp-lab");
            assertThat(m.cell().decidedBy()).isEqualTo((m.cell().from().cluster().equals("gcp-lab") ? ""
                    : "ingress of cluster gcp-lab: ") + "NetworkPolicy shop/deny-all (cluster gcp-lab)");
        });
        assertThat(denied.cells()).filteredOn(c -> c.from().cluster().equals("gcp-lab") && c.to().cluster().equals("aws-lab"))
                .hasSize(12).extracting(CellResult::expected).containsOnly(Verdict.ALLOW);

        // a hole confirms in one round: the signal is an Event on the suspect policy, in gcp-lab only
        await().atMost(Duration.ofSeconds(10))
                .until(() -> events(gcp).equals(List.of("shop: ReachabilityMismatch on NetworkPolicy deny-all")));
        assertThat(events(aws)).isEmpty();
    }
}
