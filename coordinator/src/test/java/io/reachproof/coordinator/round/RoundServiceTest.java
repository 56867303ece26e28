package io.reachproof.coordinator.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.reachproof.coordinator.LabExpectation;
import io.reachproof.coordinator.MutableClock;
import io.reachproof.coordinator.evaluate.RoundEvaluator;
import io.reachproof.coordinator.gate.GateDecision;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.coordinator.plan.PlannerSettings;
import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.registry.AgentRegistry;
import io.reachproof.coordinator.registry.RegistrySettings;
import io.reachproof.protocol.BatchAck;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.Plan;
import io.reachproof.protocol.PlanRound;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.SelfCheckStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoundServiceTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AgentRegistry registry = new AgentRegistry(clock, RegistrySettings.defaults());
    private final PlanBoard board = new PlanBoard(5000, timer, 1);
    private final InMemoryRoundHistory history = new InMemoryRoundHistory(java.util.Set.of("lab"), 3);
    private final List<RoundReport> heard = new CopyOnWriteArrayList<>();
    private RoundService rounds;

    @BeforeEach
    void setUp() {
        rounds = new RoundService(clock, registry, board, new ProbePlanner(new PlannerSettings(1, 100, 2, 100)),
                new RoundEvaluator(2), report -> {
                    heard.add(report);
                    return report.withTraceId("trace-" + heard.size());
                }, history, List.of(LabExpectation.loaded("lab", Duration.ofSeconds(5))),
                new RoundSettings(Duration.ofMillis(100), 32, 3), timer);
        LabFleet.agents(9).forEach(a -> registry.register(a, "key-of-" + a.agentId() + "-0123456789abcdef0123456789"));
    }

    @AfterEach
    void tearDown() {
        rounds.close();
        timer.shutdownNow();
    }

    /** Every agent answers its share: every probe connects, every self-check passes. */
    private void answerAll(String roundId, Outcome outcome) {
        for (var agent : LabFleet.agents(9)) {
            Plan plan = board.current(agent.agentId());
            List<ProbeResult> results = new ArrayList<>();
            List<SelfCheckStatus> checks = new ArrayList<>();
            for (PlanRound round : plan.rounds()) {
                if (!round.roundId().equals(roundId)) {
                    continue;
                }
                for (ProbeTask t : round.tasks()) {
                    results.add(new ProbeResult(roundId + t.taskId() + agent.agentId(), t.taskId(), agent.agentId(), roundId,
                            outcome, 10, 2, t.expectedAgentId(), "", 0));
                }
                if (!round.selfCheck().isEmpty()) {
                    checks.add(new SelfCheckStatus(agent.agentId(), roundId, List.of(), "", 0));
                }
            }
            rounds.accept(new ResultBatch(agent.agentId(), results, checks));
        }
    }

    @Test
    void aRoundClosesAsSoonAsEveryResultAndSelfCheckIsIn() throws Exception {
        RoundTrigger.Started started = rounds.runNow("lab");
        assertThat(board.current("frontend-0").rounds()).extracting(PlanRound::roundId).containsExactly(started.roundId());

        answerAll(started.roundId(), Outcome.CONNECTED);

        RoundReport report = started.report().toCompletableFuture().get();
        assertThat(report.complete()).isTrue();
        assertThat(report.cells()).hasSize(45);
        assertThat(report.mismatches()).hasSize(9);
        assertThat(report.traceId()).isEqualTo("trace-1");
        assertThat(history.latest("lab")).contains(report);
        assertThat(heard).hasSize(1);
        assertThat(board.current("frontend-0").rounds()).isEmpty();
    }

    @Test
    void aRoundWithoutAnswersClosesAtItsDeadlineWithEveryCellInconclusive() throws Exception {
        RoundTrigger.Started started = rounds.runNow("lab");

        RoundReport report = started.report().toCompletableFuture().get();

        assertThat(report.complete()).isFalse();
        assertThat(report.cells()).hasSize(45).allSatisfy(c -> assertThat(c.reason()).isEqualTo(InconclusiveReason.NO_RESULT));
        assertThat(report.coverage()).isZero();
    }

    @Test
    void aRoundPlannedBeforeAnyAgentRegisteredShowsEveryRuleAsNoAgentsAndTheGateCannotPass() throws Exception {
        AgentRegistry empty = new AgentRegistry(clock, RegistrySettings.defaults());
        InMemoryRoundHistory kept = new InMemoryRoundHistory(java.util.Set.of("lab"), 3);
        try (RoundService early = new RoundService(clock, empty, board, new ProbePlanner(new PlannerSettings(1, 100, 2, 100)),
                new RoundEvaluator(2), report -> report, kept, List.of(LabExpectation.loaded("lab", Duration.ofSeconds(5))),
                new RoundSettings(Duration.ofMillis(100), 32, 3), timer)) {

            RoundReport report = early.runNow("lab").report().toCompletableFuture().get();

            // one cell per rule and port, none proven: the gate says inconclusive (and the CLI keeps asking)
            assertThat(report.cells()).hasSize(LabExpectation.cells().size()).allSatisfy(c -> {
                assertThat(c.observed()).isEqualTo(ObservedVerdict.INCONCLUSIVE);
                assertThat(c.reason()).isEqualTo(InconclusiveReason.NO_AGENTS);
                assertThat(c.from().displayName()).isEqualTo(EndpointRef.NO_AGENT);
            });
            assertThat(report.cells()).extracting(CellResult::rule).containsOnly("lab.yaml:22", "lab.yaml:26", "lab.yaml:30");
            assertThat(report.mismatches()).isEmpty();
            assertThat(report.coverage()).isZero();
            assertThat(kept.latest("lab")).contains(report);
            assertThat(GateDecision.decide(kept.reports("lab"), null, 1.0).state())
                    .isEqualTo(GateDecision.State.INCONCLUSIVE);
        }
    }

    @Test
    void runningNowWhileARoundIsOpenJoinsIt() {
        RoundTrigger.Started first = rounds.runNow("lab");
        RoundTrigger.Started again = rounds.runNow("lab");

        assertThat(again.roundId()).isEqualTo(first.roundId());
        assertThat(again.report()).isSameAs(first.report());
    }

    @Test
    void resultsOfAClosedRoundAreCountedLateAndResentOnesAsDuplicates() throws Exception {
        RoundTrigger.Started started = rounds.runNow("lab");
        started.report().toCompletableFuture().get();
        ProbeResult late = new ProbeResult("late-1", started.roundId() + "/0", "frontend-0", started.roundId(),
                Outcome.CONNECTED, 1, 1, null, "", 0);

        assertThat(rounds.accept(new ResultBatch("frontend-0", List.of(late), List.of()))).isEqualTo(new BatchAck(1, 0, 1));
        assertThat(rounds.accept(new ResultBatch("frontend-0", List.of(late), List.of()))).isEqualTo(new BatchAck(0, 1, 0));
        assertThat(rounds.delivered("frontend-0")).isEqualTo(new BatchAck(1, 1, 1));
    }

    @Test
    void aPolicyChangeStartsARoundAndIsCarriedUntilARoundMatches() throws Exception {
        PolicyChange change = new PolicyChange("aws-lab", "payments", "deny-frontend", "u1", "7", "ADDED", 1);

        rounds.policyChanged(change);

        RoundTrigger.Started first = rounds.runNow("lab");
        assertThat(heard).isEmpty();
        answerAll(first.roundId(), Outcome.CONNECTED);
        RoundReport withHoles = first.report().toCompletableFuture().get();
        assertThat(withHoles.mismatches()).hasSize(9);
        assertThat(withHoles.suspectChange()).isEqualTo(change);
        // a policy acts only in its own cluster: it is the suspect of the mismatches with an end in aws-lab only
        assertThat(withHoles.mismatches()).allSatisfy(m -> assertThat(m.suspectChange()).isEqualTo(
                m.cell().from().cluster().equals("aws-lab") || m.cell().to().cluster().equals("aws-lab") ? change : null));
        assertThat(withHoles.mismatches()).filteredOn(m -> m.suspectChange() != null).hasSize(5);
        assertThat(rounds.suspect("lab")).contains(change);

        RoundTrigger.Started second = rounds.runNow("lab");
        answerAll(second.roundId(), Outcome.TIMEOUT);
        RoundReport report = second.report().toCompletableFuture().get();
        assertThat(report.mismatches()).hasSize(36);
        assertThat(rounds.suspect("lab")).contains(change);
    }

    @Test
    void eachClustersChangeIsTheSuspectOfItsOwnCellsAndIsClearedOnItsOwn() throws Exception {
        PolicyChange aws = new PolicyChange("aws-lab", "payments", "deny-frontend", "u1", "7", "ADDED", 1);
        PolicyChange gcp = new PolicyChange("gcp-lab", "payments", "deny-frontend", "u2", "9", "MODIFIED", 2);
        rounds.policyChanged(aws);
        rounds.policyChanged(gcp);

        RoundTrigger.Started first = rounds.runNow("lab");
        answerAll(first.roundId(), Outcome.CONNECTED);
        RoundReport report = first.report().toCompletableFuture().get();

        assertThat(report.suspectChange()).as("the newest of any cluster").isEqualTo(gcp);
        assertThat(report.mismatches()).extracting(m -> m.cell().from().cluster() + "->" + m.cell().to().cluster()
                        + " " + (m.suspectChange() == null ? "-" : m.suspectChange().cluster()))
                .containsExactlyInAnyOrder(
                        "aws-lab->aws-lab aws-lab", "aws-lab->azure-lab aws-lab", "aws-lab->gcp-lab gcp-lab",
                        "azure-lab->aws-lab aws-lab", "azure-lab->azure-lab -", "azure-lab->gcp-lab gcp-lab",
                        "gcp-lab->aws-lab gcp-lab", "gcp-lab->azure-lab gcp-lab", "gcp-lab->gcp-lab gcp-lab");
        assertThat(rounds.suspect("lab")).contains(gcp);
    }

    @Test
    void aPolicyChangeWhileARoundIsOpenRunsARoundOfItsOwnWhenThatOneCloses() throws Exception {
        RoundTrigger.Started open = rounds.runNow("lab");
        PolicyChange change = new PolicyChange("aws-lab", "payments", "deny-frontend", "u1", "7", "ADDED", 1);

        rounds.policyChanged(change);

        assertThat(board.current("frontend-0").rounds()).extracting(PlanRound::roundId).containsExactly(open.roundId());
        answerAll(open.roundId(), Outcome.CONNECTED);
        assertThat(open.report().toCompletableFuture().get().suspectChange()).isEqualTo(change);
        await().until(() -> !board.current("frontend-0").rounds().isEmpty());
        String next = board.current("frontend-0").rounds().get(0).roundId();
        assertThat(next).isNotEqualTo(open.roundId());
        RoundTrigger.Started joined = rounds.runNow("lab");
        assertThat(joined.roundId()).isEqualTo(next);
        answerAll(next, Outcome.CONNECTED);
        assertThat(joined.report().toCompletableFuture().get().suspectChange()).isEqualTo(change);
        assertThat(heard).hasSize(2);
    }

    @Test
    void aRoundThatProvesNothingKeepsTheSuspect() throws Exception {
        PolicyChange change = new PolicyChange("aws-lab", "payments", "deny-frontend", "u1", "7", "ADDED", 1);
        rounds.policyChanged(change);

        // nobody answers: no mismatch, but no cell proven either
        RoundReport unproven = rounds.runNow("lab").report().toCompletableFuture().get();

        assertThat(unproven.mismatches()).isEmpty();
        assertThat(unproven.coverage()).isZero();
        assertThat(unproven.suspectChange()).isEqualTo(change);
        assertThat(rounds.suspect("lab")).contains(change);
    }

    @Test
    void aMatchingRoundCarriesTheSuspectOnceAndClearsIt() throws Exception {
        RoundService onlyDeny = new RoundService(clock, registry, board, new ProbePlanner(new PlannerSettings(1, 100, 2, 100)),
                new RoundEvaluator(2), report -> report, new InMemoryRoundHistory(java.util.Set.of("deny"), 3),
                List.of(new LoadedExpectation(LabExpectation.expectation("deny", Duration.ofSeconds(5)),
                        List.of(LabExpectation.cells().get(4)), Optional.empty())),
                new RoundSettings(Duration.ofMillis(100), 32, 3), timer);
        PolicyChange change = new PolicyChange("aws-lab", "payments", "deny-frontend", "u1", "7", "ADDED", 1);
        onlyDeny.policyChanged(change);
        RoundTrigger.Started started = onlyDeny.runNow("deny");
        for (var agent : LabFleet.agents(9)) {
            List<ProbeResult> results = new ArrayList<>();
            List<SelfCheckStatus> checks = new ArrayList<>();
            for (PlanRound round : board.current(agent.agentId()).rounds()) {
                if (round.roundId().equals(started.roundId())) {
                    round.tasks().forEach(t -> results.add(new ProbeResult("d" + t.taskId(), t.taskId(), agent.agentId(),
                            started.roundId(), Outcome.TIMEOUT, 10, 2, null, "", 0)));
                    if (!round.selfCheck().isEmpty()) {
                        checks.add(new SelfCheckStatus(agent.agentId(), started.roundId(), List.of(), "", 0));
                    }
                }
            }
            onlyDeny.accept(new ResultBatch(agent.agentId(), results, checks));
        }

        RoundReport matched = started.report().toCompletableFuture().get();

        assertThat(matched.mismatches()).isEmpty();
        assertThat(matched.suspectChange()).isEqualTo(change);
        await().until(() -> onlyDeny.suspect("deny").isEmpty());
        onlyDeny.close();
    }

    @Test
    void anUnknownSetIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> rounds.runNow("prod"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown expectation: prod (known: lab)");
    }

    @Test
    void historyKeepsTheNewestReportsFirst() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RoundTrigger.Started s = rounds.runNow("lab");
            answerAll(s.roundId(), Outcome.CONNECTED);
            s.report().toCompletableFuture().get();
            ids.add(s.roundId());
        }

        assertThat(history.reports("lab")).extracting(RoundReport::roundId).containsExactly(ids.get(3), ids.get(2), ids.get(1));
        assertThat(history.reports("unknown")).isEmpty();
        assertThat(history.expectations()).containsExactly("lab");
    }
}
