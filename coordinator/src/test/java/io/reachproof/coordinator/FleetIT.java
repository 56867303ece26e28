package io.reachproof.coordinator;

import io.reachproof.coordinator.assembly.Coordinator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reachproof.agent.control.ControlLoop;
import io.reachproof.protocol.BatchAck;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PairSummary;
import io.reachproof.protocol.RoundReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetIT {

    @TempDir
    Path spools;

    private static RoundReport fullRound(LoopbackFleet fleet) {
        return fleet.reports.stream().filter(r -> r.complete() && r.cells().size() == 20).reduce((a, b) -> b).orElse(null);
    }

    @Test
    void sixAgentsInThreeClustersProduceTheExpectedReport() throws Exception {
        try (LoopbackFleet fleet = new LoopbackFleet(spools, LoopbackFleet.sixAgentsInThreeClusters())) {
            fleet.startCoordinator(0, true);
            fleet.startAgents(fleet.coordinator.url());

            await().atMost(Duration.ofSeconds(15)).until(() -> fullRound(fleet) != null);

            RoundReport report = fullRound(fleet);
            assertThat(report.expectation()).isEqualTo("lab");
            assertThat(report.coverage()).isEqualTo(1.0);
            assertThat(report.groupPairs()).containsExactly(
                    new PairSummary("frontend", "checkout", 8, 0, 0, 0, 0),
                    new PairSummary("checkout", "payments", 8, 0, 0, 0, 0),
                    new PairSummary("frontend", "payments", 4, 0, 0, 4, 0));
            assertThat(report.clusterPairs()).extracting(p -> p.from() + ">" + p.to()).containsExactly(
                    "aws-lab>aws-lab", "aws-lab>azure-lab", "aws-lab>gcp-lab", "azure-lab>aws-lab", "azure-lab>azure-lab",
                    "gcp-lab>aws-lab", "gcp-lab>azure-lab", "gcp-lab>gcp-lab");
            assertThat(report.mismatches()).hasSize(4).allSatisfy(m -> {
                assertThat(m.kind()).isEqualTo(MismatchKind.HOLE);
                assertThat(m.cell().fromGroup()).isEqualTo("frontend");
                assertThat(m.cell().toGroup()).isEqualTo("payments");
                assertThat(m.cell().port()).isEqualTo(7001);
                assertThat(m.cell().outcome()).isEqualTo(Outcome.CONNECTED);
                assertThat(m.cell().rule()).isEqualTo("lab.yaml:30");
            });
            assertThat(report.agentsByState()).containsEntry("live", 6);
            assertThat(fleet.coordinator.history().latest("lab")).isPresent();
        }
    }

    @Test
    void aKilledAgentsCellsBecomeInconclusiveTargetLostAndNeverBlocked() throws Exception {
        try (LoopbackFleet fleet = new LoopbackFleet(spools, LoopbackFleet.sixAgentsInThreeClusters())) {
            fleet.startCoordinator(0, true);
            fleet.startAgents(fleet.coordinator.url());
            await().atMost(Duration.ofSeconds(15)).until(() -> fullRound(fleet) != null);

            fleet.kill("checkout-4");

            await().atMost(Duration.ofSeconds(15)).until(() -> fleet.reports.stream().anyMatch(r ->
                    r.agentsByState().get("lost") == 1 && targetsOf(r, "checkout-4") > 0
                    && r.cells().stream().filter(c -> "checkout-4".equals(c.to().agentId()))
                            .allMatch(c -> c.reason() == InconclusiveReason.TARGET_LOST)));
            assertThat(fleet.reports).allSatisfy(r -> assertThat(r.mismatches())
                    .noneMatch(m -> m.kind() == MismatchKind.BLOCKED));
            RoundReport last = fleet.reports.get(fleet.reports.size() - 1);
            assertThat(last.cells()).filteredOn(c -> "checkout-4".equals(c.to().agentId()))
                    .extracting(CellResult::observed).containsOnly(ObservedVerdict.INCONCLUSIVE);
        }
    }

    private static long targetsOf(RoundReport r, String agent) {
        return r.cells().stream().filter(c -> agent.equals(c.to().agentId())).count();
    }

    @Test
    void spooledResultsArriveAfterACoordinatorRestartCountedExactlyAndNoneTwice() throws Exception {
        try (LoopbackFleet fleet = new LoopbackFleet(spools, LoopbackFleet.sixAgentsInThreeClusters())) {
            Coordinator first = fleet.startCoordinator(0, true);
            int port = first.url().getPort();
            fleet.startAgents(first.url());
            await().atMost(Duration.ofSeconds(15)).until(() -> fullRound(fleet) != null);

            first.close();
            Map<String, BatchAck> before = new HashMap<>();
            fleet.agents().keySet().forEach(id -> before.put(id, first.roundService().delivered(id)));
            ControlLoop frontend = fleet.agent("frontend-0");
            await().atMost(Duration.ofSeconds(15)).until(() -> frontend.offlineRepeats() >= 3);

            Coordinator second = fleet.startCoordinator(port, false);
            await().atMost(Duration.ofSeconds(15)).until(() -> fleet.agents().values().stream()
                    .allMatch(a -> a.online() && a.spool().entries() == 0));
            fleet.stopAgents();

            for (Map.Entry<String, ControlLoop> e : fleet.agents().entrySet()) {
                ControlLoop agent = e.getValue();
                BatchAck then = before.get(e.getKey());
                BatchAck now = second.roundService().delivered(e.getKey());
                assertThat(agent.spool().dropped()).isZero();
                assertThat(then.accepted() + now.accepted()).as("results of %s accepted by both coordinators", e.getKey())
                        .isEqualTo(agent.spool().appendedResults());
                assertThat(now.late()).isEqualTo(now.accepted());
            }
            assertThat(second.roundService().delivered("frontend-0").accepted()).isGreaterThanOrEqualTo(3);
        }
    }
}
