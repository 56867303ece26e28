package io.reachproof.coordinator.round;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.coordinator.MutableClock;
import io.reachproof.coordinator.evaluate.RoundEvaluator;
import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.plan.WorkloadPod;
import io.reachproof.coordinator.registry.AgentRegistry;
import io.reachproof.coordinator.registry.RegistrySettings;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PlanRound;
import io.reachproof.protocol.PodListener;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Responder;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.TargetAnswer;
import io.reachproof.protocol.TargetReadiness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The two phases of a workload-mode round through the facade: the destination pods' node agents prepare their
 * ports first; then the probes go out, each expecting what its destination's readiness said (a borrowed
 * listener's identity, or the app), and a destination that did not answer its own check gets no probe and an
 * inconclusive cell, never a deny.
 */
class RoundServiceWorkloadTest {

    private static final String EXPECTATIONS = """
            apiVersion: reachproof.io/v1alpha1
            kind: ConnectivityExpectation
            metadata: {name: shop}
            spec:
              interval: 30s
              groups:
                frontend: {namespace: shop, podSelector: {matchLabels: {app: frontend}}}
                payments: {namespace: payments, podSelector: {matchLabels: {app: payments}}}
              expect:
                - {from: frontend, to: payments, ports: ["8443/TCP"], verdict: allow}
                - {from: frontend, to: payments, ports: ["9000/TCP"], verdict: deny}
                - {from: frontend, to: payments, ports: ["5353/UDP"], verdict: deny}
            """;
    private static final String CLUSTER = "gcp-prod";
    private static final WorkloadPod FRONTEND = new WorkloadPod(CLUSTER, "shop", "frontend-1", "uid-f", "10.8.1.10",
            "node-1", Map.of("app", "frontend"), Map.of(), List.of());
    private static final WorkloadPod PAYMENTS = new WorkloadPod(CLUSTER, "payments", "payments-1", "uid-p", "10.8.2.20",
            "node-2", Map.of("app", "payments"), Map.of(), List.of(new Responder(9000, "TCP")));
    /** The prepare window of these tests. */
    private static final Duration WINDOW = Duration.ofSeconds(8);

    private final MutableClock clock = TestRounds.clock();
    private final ManualScheduler timer = new ManualScheduler();
    private final AgentRegistry registry = new AgentRegistry(clock, RegistrySettings.defaults());
    private final PlanBoard board = new PlanBoard(5000, timer, 1);
    private final RoundService rounds;

    RoundServiceWorkloadTest() throws Exception {
        rounds = new RoundService(clock, registry, board, new ProbePlanner(TestRounds.PROBING), new RoundEvaluator(2),
                RoundEnricher.NONE, report -> report, new InMemoryRoundHistory(Set.of("shop"), 3),
                ExpectationFiles.load("shop.yaml", EXPECTATIONS), new RoundSettings(Duration.ofMillis(100), 32, 3, WINDOW),
                timer, () -> Map.of(CLUSTER, List.of(FRONTEND, PAYMENTS)));
        for (String node : List.of("node-1", "node-2")) {
            AgentIdentity agent = new AgentIdentity("agent-" + node, CLUSTER, "gcp", "europe-west1", node, "reachproof",
                    "agent-" + node, List.of("10.0.0." + node.charAt(5)), Map.of(), Map.of(), List.of(),
                    Set.of(AgentIdentity.CAPABILITY_WORKLOAD));
            registry.register(agent, "key-of-" + agent.agentId() + "-0123456789abcdef0123456789");
        }
    }

    @AfterEach
    void tearDown() {
        rounds.close();
    }

    private List<PlanRound> share(String agent) {
        return board.current(agent).rounds();
    }

    private static TargetReadiness ready(String roundId, PodListener l, TargetAnswer answer) {
        return new TargetReadiness("agent-node-2", roundId, l.pod(), l.port(), answer, answer.name(), 0);
    }

    private void deliverReadiness(String agent, List<TargetReadiness> readiness) {
        rounds.accept(new ResultBatch(agent, List.of(), List.of(), readiness));
    }

    private void answer(String roundId, Map<Integer, Outcome> byPort) {
        List<ProbeResult> results = new ArrayList<>();
        for (ProbeTask t : share("agent-node-1").get(0).tasks()) {
            Outcome outcome = byPort.get(t.port());
            results.add(new ProbeResult("res-" + t.taskId(), t.taskId(), "agent-node-1", roundId, outcome, 10, 2,
                    outcome == Outcome.CONNECTED ? t.expectedAgentId() : null, "", 0));
        }
        rounds.accept(new ResultBatch("agent-node-1", results, List.of()));
    }

    @Test
    void theDestinationsArePreparedFirstThenProbedAsTheirReadinessSays() throws Exception {
        RoundTrigger.Started started = rounds.runNow("shop");
        String roundId = started.roundId();

        // first phase: only the destination's node agent has a share, and nothing is probed yet
        assertThat(share("agent-node-1")).isEmpty();
        PlanRound prepare = share("agent-node-2").get(0);
        assertThat(prepare.tasks()).isEmpty();
        assertThat(prepare.prepare()).extracting(l -> l.port().port() + "/" + l.port().protocol() + (l.declared() ? " app's" : ""))
                .containsExactly("8443/TCP", "9000/TCP app's", "5353/UDP");

        deliverReadiness("agent-node-2", List.of(
                ready(roundId, prepare.prepare().get(0), TargetAnswer.BORROWED),
                ready(roundId, prepare.prepare().get(1), TargetAnswer.APP),
                ready(roundId, prepare.prepare().get(2), TargetAnswer.NONE)));

        // second phase: the probes of the ports that answered, from frontend-1's namespace
        List<ProbeTask> tasks = share("agent-node-1").get(0).tasks();
        assertThat(tasks).extracting(ProbeTask::port).containsExactly(8443, 9000);
        assertThat(tasks).allSatisfy(t -> assertThat(t.sourcePod()).isEqualTo(FRONTEND.ref()));
        assertThat(tasks.get(0).expectedAgentId()).isEqualTo("pod:payments/payments-1");
        assertThat(tasks.get(1).expectedAgentId()).as("the app answers: no identity to check").isNull();

        answer(roundId, Map.of(8443, Outcome.CONNECTED, 9000, Outcome.TIMEOUT));

        RoundReport report = started.report().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(report.complete()).isTrue();
        assertThat(report.mismatches()).isEmpty();
        assertThat(report.cells()).extracting(c -> c.port() + ":" + c.observed() + ":" + c.reason()).containsExactly(
                "8443:ALLOW:null", "9000:DENY:null", "5353:INCONCLUSIVE:TARGET_SELF_CHECK_FAILED");
        CellResult allowed = report.cells().get(0);
        assertThat(allowed.from()).isEqualTo(new EndpointRef("agent-node-1", CLUSTER, "gcp", "europe-west1", "node-1",
                "shop", "frontend-1", "10.8.1.10"));
        assertThat(allowed.to().displayName()).isEqualTo("payments/payments-1");
        assertThat(allowed.to().node()).isEqualTo("node-2");
        assertThat(share("agent-node-2")).isEmpty();
    }

    @Test
    void whenReadinessDoesNotComeTheRoundProbesWhatIsReadyAfterThePrepareWindow() throws Exception {
        RoundTrigger.Started started = rounds.runNow("shop");
        PlanRound prepare = share("agent-node-2").get(0);
        CompletableFuture<RoundReport> report = started.report().toCompletableFuture();

        // readiness of another agent's port is not taken: only the agent asked to prepare a pod speaks for it
        rounds.accept(new ResultBatch("agent-node-1", List.of(), List.of(), List.of(new TargetReadiness("agent-node-1",
                started.roundId(), prepare.prepare().get(1).pod(), prepare.prepare().get(1).port(), TargetAnswer.APP, "", 0))));
        deliverReadiness("agent-node-2", List.of(ready(started.roundId(), prepare.prepare().get(0), TargetAnswer.BORROWED)));
        assertThat(share("agent-node-1")).as("still preparing").isEmpty();

        timer.advance(WINDOW);

        assertThat(share("agent-node-1").get(0).tasks()).extracting(ProbeTask::port).containsExactly(8443);
        answer(started.roundId(), Map.of(8443, Outcome.TIMEOUT));
        RoundReport closed = report.get(30, TimeUnit.SECONDS);
        assertThat(closed.cells()).extracting(CellResult::observed, CellResult::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ObservedVerdict.DENY, null),
                org.assertj.core.groups.Tuple.tuple(ObservedVerdict.INCONCLUSIVE, InconclusiveReason.TARGET_SELF_CHECK_FAILED),
                org.assertj.core.groups.Tuple.tuple(ObservedVerdict.INCONCLUSIVE, InconclusiveReason.TARGET_SELF_CHECK_FAILED));
        assertThat(closed.mismatches()).singleElement().satisfies(m -> assertThat(m.cell().port()).isEqualTo(8443));
    }

    @Test
    void aRoundWhoseDestinationsNeverAnswerClosesIncompleteAfterThePrepareWindow() throws Exception {
        CompletableFuture<RoundReport> report = rounds.runNow("shop").report().toCompletableFuture();

        timer.advance(WINDOW.minusMillis(1));
        assertThat(report).isNotDone();
        timer.advance(Duration.ofMillis(1));

        RoundReport closed = report.get(30, TimeUnit.SECONDS);
        assertThat(closed.complete()).isFalse();
        assertThat(closed.coverage()).isZero();
        assertThat(closed.cells()).extracting(CellResult::reason).containsOnly(InconclusiveReason.TARGET_SELF_CHECK_FAILED);
        assertThat(share("agent-node-1")).isEmpty();
    }

    @Test
    void aBorrowedListenersAgentLostBeforeTheResultsMakesAFailedProbeInconclusive() throws Exception {
        RoundTrigger.Started started = rounds.runNow("shop");
        PlanRound prepare = share("agent-node-2").get(0);
        deliverReadiness("agent-node-2", List.of(
                ready(started.roundId(), prepare.prepare().get(0), TargetAnswer.BORROWED),
                ready(started.roundId(), prepare.prepare().get(1), TargetAnswer.APP),
                ready(started.roundId(), prepare.prepare().get(2), TargetAnswer.NONE)));

        // node-2's agent misses its heartbeats while node-1's keeps beating
        clock.advance(Duration.ofSeconds(30));
        registry.touch("agent-node-1");
        answer(started.roundId(), Map.of(8443, Outcome.TIMEOUT, 9000, Outcome.TIMEOUT));

        RoundReport closed = started.report().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(closed.cells()).extracting(c -> c.port() + ":" + c.observed() + ":" + c.reason()).containsExactly(
                "8443:INCONCLUSIVE:TARGET_LOST", "9000:DENY:null", "5353:INCONCLUSIVE:TARGET_SELF_CHECK_FAILED");
    }
}
