package io.reachproof.coordinator.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.coordinator.LabExpectation;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.coordinator.plan.PlannedCell;
import io.reachproof.coordinator.plan.PlannerSettings;
import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.plan.RoundPlan;
import io.reachproof.coordinator.registry.AgentState;
import io.reachproof.coordinator.registry.RegisteredAgent;
import io.reachproof.expectations.GroupCell;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PairSummary;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Responder;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.SelfCheckStatus;
import io.reachproof.protocol.Verdict;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RoundEvaluatorTest {

    private final RoundEvaluator evaluator = new RoundEvaluator(2);

    /** One cell: frontend-0 (aws-lab) -> checkout-3 (aws-lab), 7001/TCP, expected allow. */
    private static RoundPlan oneCell(GroupCell cell) {
        List<RegisteredAgent> fleet = List.of(
                new RegisteredAgent(LabFleet.agent(0), AgentState.LIVE, Instant.EPOCH, Instant.EPOCH, 0, 0),
                new RegisteredAgent(LabFleet.agent(3), AgentState.LIVE, Instant.EPOCH, Instant.EPOCH, 0, 0),
                new RegisteredAgent(LabFleet.agent(6), AgentState.LIVE, Instant.EPOCH, Instant.EPOCH, 0, 0));
        return new ProbePlanner(new PlannerSettings(1, 10, 2, 500))
                .plan("r1", 0, "lab", LabExpectation.groups(), List.of(cell), Optional.empty(), fleet);
    }

    private static final GroupCell ALLOW_CELL = LabExpectation.cells().get(0);
    private static final GroupCell DENY_CELL = LabExpectation.cells().get(4);

    private static ProbeResult result(ProbeTask task, Outcome outcome, int attempts) {
        return new ProbeResult("res-" + task.taskId(), task.taskId(), "frontend-0", "r1", outcome, 1500, attempts,
                outcome == Outcome.CONNECTED ? task.expectedAgentId() : null, "", 0);
    }

    private static SelfCheckStatus passed(String agent) {
        return new SelfCheckStatus(agent, "r1", List.of(), "", 0);
    }

    private RoundReport evaluate(RoundPlan plan, Map<String, ProbeResult> results, Map<String, SelfCheckStatus> checks,
            Map<String, AgentState> states, PolicyChange suspect) {
        return evaluator.evaluate(new RoundObservations(plan, results, checks, states, Map.of("live", 3), 1000, 2000, true,
                suspect == null ? Map.of() : Map.of(suspect.cluster(), suspect)));
    }

    private static Map<String, AgentState> allLive() {
        return Map.of("frontend-0", AgentState.LIVE, "checkout-3", AgentState.LIVE, "payments-6", AgentState.LIVE);
    }

    static Stream<Arguments> verdicts() {
        return Stream.of(
                Arguments.of("connected proves allow", Outcome.CONNECTED, 1, true, AgentState.LIVE, ObservedVerdict.ALLOW, null),
                Arguments.of("connected at a lost target still proves allow", Outcome.CONNECTED, 1, false, AgentState.LOST,
                        ObservedVerdict.ALLOW, null),
                Arguments.of("refused after all attempts at a checked live target is deny", Outcome.REFUSED, 2, true,
                        AgentState.LIVE, ObservedVerdict.DENY, null),
                Arguments.of("timeout is deny", Outcome.TIMEOUT, 2, true, AgentState.LIVE, ObservedVerdict.DENY, null),
                Arguments.of("unreachable is deny", Outcome.UNREACHABLE, 2, true, AgentState.LIVE, ObservedVerdict.DENY, null),
                Arguments.of("a failure at a lost target", Outcome.TIMEOUT, 2, true, AgentState.LOST,
                        ObservedVerdict.INCONCLUSIVE, InconclusiveReason.TARGET_LOST),
                Arguments.of("a failure at a gone target", Outcome.REFUSED, 2, true, AgentState.GONE,
                        ObservedVerdict.INCONCLUSIVE, InconclusiveReason.TARGET_LOST),
                Arguments.of("a failure at a target without a passed self-check", Outcome.REFUSED, 2, false,
                        AgentState.LIVE, ObservedVerdict.INCONCLUSIVE, InconclusiveReason.TARGET_SELF_CHECK_FAILED),
                Arguments.of("a local error", Outcome.ERROR, 1, true, AgentState.LIVE, ObservedVerdict.INCONCLUSIVE,
                        InconclusiveReason.LOCAL_ERROR),
                Arguments.of("a wrong peer", Outcome.WRONG_PEER, 1, true, AgentState.LIVE, ObservedVerdict.INCONCLUSIVE,
                        InconclusiveReason.WRONG_PEER),
                Arguments.of("a reset at the first attempt is deny (a CNI that rejects)", Outcome.REFUSED, 1, true,
                        AgentState.LIVE, ObservedVerdict.DENY, null),
                Arguments.of("ICMP admin-prohibited at the first attempt is deny", Outcome.UNREACHABLE, 1, true,
                        AgentState.LIVE, ObservedVerdict.DENY, null),
                Arguments.of("too few failed attempts", Outcome.TIMEOUT, 1, true, AgentState.LIVE,
                        ObservedVerdict.INCONCLUSIVE, InconclusiveReason.TOO_FEW_ATTEMPTS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("verdicts")
    void observedVerdictOfOneProbe(String name, Outcome outcome, int attempts, boolean selfChecked, AgentState target,
            ObservedVerdict observed, InconclusiveReason reason) {
        RoundPlan plan = oneCell(ALLOW_CELL);
        PlannedCell cell = plan.cells().get(0);
        Map<String, AgentState> states = new HashMap<>(allLive());
        states.put("checkout-3", target);
        if (target == AgentState.GONE) {
            states.remove("checkout-3");
        }

        RoundReport report = evaluate(plan, Map.of(cell.task().taskId(), result(cell.task(), outcome, attempts)),
                selfChecked ? Map.of("checkout-3", passed("checkout-3")) : Map.of(), states, null);

        CellResult c = report.cells().get(0);
        assertThat(c.observed()).isEqualTo(observed);
        assertThat(c.reason()).isEqualTo(reason);
        assertThat(c.outcome()).isEqualTo(outcome);
        assertThat(c.attempts()).isEqualTo(attempts);
        assertThat(report.mismatches()).extracting(Mismatch::kind)
                .containsExactlyElementsOf(observed == ObservedVerdict.DENY ? List.of(MismatchKind.BLOCKED) : List.of());
    }

    @Test
    void noResultIsInconclusiveNoResult() {
        RoundPlan plan = oneCell(ALLOW_CELL);

        RoundReport report = evaluate(plan, Map.of(), Map.of("checkout-3", passed("checkout-3")), allLive(), null);

        assertThat(report.cells().get(0).observed()).isEqualTo(ObservedVerdict.INCONCLUSIVE);
        assertThat(report.cells().get(0).reason()).isEqualTo(InconclusiveReason.NO_RESULT);
        assertThat(report.cells().get(0).outcome()).isNull();
        assertThat(report.coverage()).isZero();
        assertThat(report.mismatches()).isEmpty();
    }

    @Test
    void aGroupWithoutAgentsIsAnInconclusiveCellNamingTheAgentThatIsThere() {
        // frontend-0 is the only frontend agent and checkout has none: the rule still shows, unproven
        List<RegisteredAgent> fleet = List.of(
                new RegisteredAgent(LabFleet.agent(0), AgentState.LIVE, Instant.EPOCH, Instant.EPOCH, 0, 0));
        RoundPlan plan = new ProbePlanner(new PlannerSettings(1, 10, 2, 500))
                .plan("r1", 0, "lab", LabExpectation.groups(), List.of(ALLOW_CELL), Optional.empty(), fleet);

        RoundReport report = evaluate(plan, Map.of(), Map.of(), allLive(), null);

        CellResult c = report.cells().get(0);
        assertThat(c.observed()).isEqualTo(ObservedVerdict.INCONCLUSIVE);
        assertThat(c.reason()).isEqualTo(InconclusiveReason.NO_AGENTS);
        assertThat(c.from().agentId()).isEqualTo("frontend-0");
        assertThat(c.to().displayName()).isEqualTo(EndpointRef.NO_AGENT);
        assertThat(c.to().cluster()).isEqualTo(ProbePlanner.UNKNOWN_CLUSTER);
        assertThat(c.rule()).isEqualTo("lab.yaml:22");
        assertThat(report.clusterPairs()).singleElement().satisfies(p -> {
            assertThat(p.from()).isEqualTo("aws-lab");
            assertThat(p.to()).isEqualTo(ProbePlanner.UNKNOWN_CLUSTER);
            assertThat(p.inconclusive()).isEqualTo(1);
        });
        assertThat(report.coverage()).isZero();
        assertThat(report.mismatches()).isEmpty();
    }

    @Test
    void aSelfCheckThatFailedAnotherResponderDoesNotSpoilThisPort() {
        RoundPlan plan = oneCell(ALLOW_CELL);
        PlannedCell cell = plan.cells().get(0);
        SelfCheckStatus udpFailed = new SelfCheckStatus("checkout-3", "r1", List.of(new Responder(7002, "UDP")), "udp down", 0);
        SelfCheckStatus tcpFailed = new SelfCheckStatus("checkout-3", "r1", List.of(new Responder(7001, "TCP")), "tcp down", 0);
        Map<String, ProbeResult> refused = Map.of(cell.task().taskId(), result(cell.task(), Outcome.REFUSED, 2));

        assertThat(evaluate(plan, refused, Map.of("checkout-3", udpFailed), allLive(), null).cells().get(0).observed())
                .isEqualTo(ObservedVerdict.DENY);
        assertThat(evaluate(plan, refused, Map.of("checkout-3", tcpFailed), allLive(), null).cells().get(0).reason())
                .isEqualTo(InconclusiveReason.TARGET_SELF_CHECK_FAILED);
    }

    @Test
    void anExpectedDenyThatConnectsIsAHoleWithItsDetailAndTheSuspectChange() {
        RoundPlan plan = oneCell(DENY_CELL);
        PlannedCell cell = plan.cells().get(0);
        PolicyChange change = new PolicyChange("aws-lab", "payments", "deny-frontend", "uid", "42", "MODIFIED", 500);

        RoundReport report = evaluate(plan, Map.of(cell.task().taskId(), result(cell.task(), Outcome.CONNECTED, 1)),
                Map.of(), allLive(), change);

        assertThat(report.mismatches()).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(MismatchKind.HOLE);
            assertThat(m.suspectChange()).isEqualTo(change);
            assertThat(m.cell().fromGroup()).isEqualTo("frontend");
            assertThat(m.cell().from().pod()).isEqualTo("frontend-0");
            assertThat(m.cell().from().cluster()).isEqualTo("aws-lab");
            assertThat(m.cell().to().pod()).isEqualTo("payments-6");
            assertThat(m.cell().to().namespace()).isEqualTo("payments");
            assertThat(m.cell().port()).isEqualTo(7001);
            assertThat(m.cell().protocol()).isEqualTo(Protocol.TCP);
            assertThat(m.cell().expected()).isEqualTo(Verdict.DENY);
            assertThat(m.cell().outcome()).isEqualTo(Outcome.CONNECTED);
            assertThat(m.cell().rule()).isEqualTo("lab.yaml:30");
            assertThat(m.cell().latencyMicros()).isEqualTo(1500);
        });
        assertThat(report.suspectChange()).isEqualTo(change);
        assertThat(report.coverage()).isEqualTo(1.0);
    }

    @Test
    void countsAreAggregatedPerGroupPairAndPerClusterPair() {
        List<RegisteredAgent> fleet = LabFleet.agents(9).stream()
                .map(a -> new RegisteredAgent(a, AgentState.LIVE, Instant.EPOCH, Instant.EPOCH, 0, 0)).toList();
        RoundPlan plan = new ProbePlanner(PlannerSettings.defaults()).plan("r1", 0, "lab", LabExpectation.groups(),
                LabExpectation.cells(), Optional.empty(), fleet);
        Map<String, ProbeResult> results = new HashMap<>();
        Map<String, SelfCheckStatus> checks = new HashMap<>();
        Map<String, AgentState> states = new HashMap<>();
        for (PlannedCell c : plan.cells()) {
            results.put(c.task().taskId(), result(c.task(), Outcome.CONNECTED, 1));
        }
        // one frontend -> checkout probe times out at a live, self-checked target: a real deny, so BLOCKED
        PlannedCell failing = plan.cells().stream().filter(c -> c.cell().to().equals("checkout")
                && c.fromCluster().equals("gcp-lab") && c.toCluster().equals("azure-lab")
                && c.cell().port().port() == 7001).findFirst().orElseThrow();
        results.put(failing.task().taskId(), result(failing.task(), Outcome.TIMEOUT, 2));
        LabFleet.agents(9).forEach(a -> {
            checks.put(a.agentId(), new SelfCheckStatus(a.agentId(), "r1", List.of(), "", 0));
            states.put(a.agentId(), AgentState.LIVE);
        });

        RoundReport report = evaluate(plan, results, checks, states, null);

        assertThat(report.cells()).hasSize(45);
        assertThat(report.groupPairs()).containsExactly(
                new PairSummary("frontend", "checkout", 17, 1, 0, 0, 1),
                new PairSummary("checkout", "payments", 18, 0, 0, 0, 0),
                new PairSummary("frontend", "payments", 9, 0, 0, 9, 0));
        assertThat(report.clusterPairs()).hasSize(9);
        assertThat(report.clusterPairs()).contains(new PairSummary("gcp-lab", "azure-lab", 4, 1, 0, 1, 1));
        assertThat(report.mismatches()).hasSize(10);
        assertThat(report.coverage()).isEqualTo(1.0);
        assertThat(report.complete()).isTrue();
        assertThat(report.agentsByState()).isEqualTo(Map.of("live", 3));
    }
}
