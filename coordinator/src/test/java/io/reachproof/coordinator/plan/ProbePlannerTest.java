package io.reachproof.coordinator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.coordinator.LabExpectation;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.coordinator.registry.AgentState;
import io.reachproof.coordinator.registry.RegisteredAgent;
import io.reachproof.expectations.Group;
import io.reachproof.expectations.GroupCell;
import io.reachproof.expectations.LabelSelector;
import io.reachproof.expectations.PortSpec;
import io.reachproof.protocol.Protocol;
import io.reachproof.yaml.SourceRef;
import io.reachproof.protocol.Verdict;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Responder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProbePlannerTest {

    private static final SourceRef AT = new SourceRef("x.yaml", 3, 1);

    static RegisteredAgent agent(AgentIdentity identity, AgentState state) {
        return new RegisteredAgent(identity, state, Instant.EPOCH, Instant.EPOCH, 0, 0);
    }

    static List<RegisteredAgent> live(List<AgentIdentity> identities) {
        return identities.stream().map(i -> agent(i, AgentState.LIVE)).toList();
    }

    static AgentIdentity pod(String id, String cluster, String app) {
        return new AgentIdentity(id, cluster, "", "", "", "ns", id, List.of("127.0.0." + (id.hashCode() & 0x7f)),
                Map.of("app", app), Map.of(), List.of(new Responder(80, "TCP")), Set.of());
    }

    static Map<String, Group> groups(String... apps) {
        Map<String, Group> groups = new LinkedHashMap<>();
        for (String app : apps) {
            groups.put(app, new Group(app, List.of(), null, null, LabelSelector.matchLabels(Map.of("app", app)), List.of(), AT));
        }
        return groups;
    }

    private final ProbePlanner planner = new ProbePlanner(new PlannerSettings(1, 100, 2, 500));

    @Test
    void everyCellIsProbedInEveryClusterPairOfTheLabFleet() {
        RoundPlan plan = planner.plan("r1", 0, "lab", LabExpectation.groups(), LabExpectation.cells(), Optional.empty(), live(LabFleet.agents(9)));

        Set<String> covered = new HashSet<>();
        for (PlannedCell c : plan.cells()) {
            assertThat(c.task()).isNotNull();
            covered.add(c.cell().from() + ">" + c.cell().to() + " " + c.cell().port() + " " + c.fromCluster() + ">" + c.toCluster());
        }
        assertThat(covered).hasSize(5 * 9);
        assertThat(plan.cells()).hasSize(45);
        assertThat(plan.taskCount()).isEqualTo(45);
        assertThat(plan.tasksByAgent().keySet()).containsExactlyInAnyOrder(
                "frontend-0", "frontend-1", "frontend-2", "checkout-3", "checkout-4", "checkout-5");
        assertThat(plan.selfChecksByAgent().get("payments-6")).containsExactly(
                new Responder(7001, "TCP"), new Responder(7002, "UDP"));
    }

    @Test
    void tasksCarryTheTargetAddressItsIdentityAndTheHttpRequest() {
        RoundPlan plan = planner.plan("r1", 0, "lab", LabExpectation.groups(), LabExpectation.cells(), Optional.empty(), live(LabFleet.agents(9)));

        PlannedCell http = plan.cells().stream()
                .filter(c -> c.cell().port().protocol() == Protocol.HTTP && c.toCluster().equals("gcp-lab")).findFirst().orElseThrow();
        ProbeTask task = http.task();
        assertThat(task.protocol()).isEqualTo(Protocol.HTTP);
        assertThat(task.host()).isEqualTo("127.0.1.5");
        assertThat(task.port()).isEqualTo(7003);
        assertThat(task.path()).isEqualTo("/reachproof/identity");
        assertThat(task.method()).isEqualTo("GET");
        assertThat(task.expectedAgentId()).isEqualTo("checkout-4");
        assertThat(task.attempts()).isEqualTo(2);
        assertThat(task.timeoutMillis()).isEqualTo(500);
        assertThat(task.protocol()).isEqualTo(Protocol.HTTP);
        assertThat(task.taskId()).startsWith("r1/");
    }

    @Test
    void everyAgentPairIsCoveredWithinTheRotationBound() {
        List<AgentIdentity> fleet = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fleet.add(pod("a" + i, "c1", "a"));
        }
        for (int i = 0; i < 5; i++) {
            fleet.add(pod("b" + i, "c2", "b"));
        }
        List<GroupCell> cells = List.of(new GroupCell("a", "b", PortSpec.of(80, Protocol.TCP), Verdict.ALLOW, AT));
        ProbePlanner three = new ProbePlanner(new PlannerSettings(3, 100, 1, 500));
        int bound = (4 * 5 + 2) / 3;

        for (long start : new long[] {0, 17, 1_000_003}) {
            Set<String> pairs = new HashSet<>();
            for (long r = start; r < start + bound; r++) {
                RoundPlan plan = three.plan("r" + r, r, "e", groups("a", "b"), cells, Optional.empty(), live(fleet));
                assertThat(plan.cells()).hasSize(3);
                plan.cells().forEach(c -> pairs.add(c.from().agentId() + ">" + c.to().agentId()));
            }
            assertThat(pairs).as("pairs covered in %d rounds from round %d", bound, start).hasSize(20);
        }
    }

    @Test
    void aRuleForTheSameClusterOrForOtherClustersIsPlannedOnlyInThoseClusterPairs() {
        List<AgentIdentity> fleet = List.of(pod("a1", "c1", "a"), pod("b1", "c1", "b"), pod("a2", "c2", "a"),
                pod("b2", "c2", "b"));
        PortSpec port = PortSpec.of(80, Protocol.TCP);
        List<GroupCell> cells = List.of(
                new GroupCell("a", "b", port, Verdict.ALLOW, AT, io.reachproof.expectations.ClusterScope.SAME),
                new GroupCell("b", "a", port, Verdict.DENY, AT, io.reachproof.expectations.ClusterScope.OTHER),
                new GroupCell("a", "a", port, Verdict.ALLOW, AT));

        RoundPlan plan = planner.plan("r1", 0, "e", groups("a", "b"), cells, Optional.empty(), live(fleet));

        assertThat(plan.cells()).extracting(c -> c.cell().from() + ">" + c.cell().to() + " " + c.fromCluster() + ">" + c.toCluster())
                .containsExactlyInAnyOrder("a>b c1>c1", "a>b c2>c2", "b>a c1>c2", "b>a c2>c1",
                        "a>a c1>c1", "a>a c1>c2", "a>a c2>c1", "a>a c2>c2");
    }

    @Test
    void consecutivePairsOfOneRoundUseDistinctSourcesAndTargets() {
        List<AgentIdentity> fleet = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fleet.add(pod("a" + i, "c1", "a"));
            fleet.add(pod("b" + i, "c1", "b"));
        }
        List<GroupCell> cells = List.of(new GroupCell("a", "b", PortSpec.of(80, Protocol.TCP), Verdict.ALLOW, AT));
        RoundPlan plan = new ProbePlanner(new PlannerSettings(4, 100, 1, 500)).plan("r", 5, "e", groups("a", "b"), cells, Optional.empty(), live(fleet));

        assertThat(plan.cells()).hasSize(4);
        assertThat(plan.cells().stream().map(c -> c.from().agentId()).distinct()).hasSize(4);
        assertThat(plan.cells().stream().map(c -> c.to().agentId()).distinct()).hasSize(4);
    }

    @Test
    void noAgentSendsMoreThanItsBudgetAndCellsBeyondItAreInconclusiveNoResult() {
        List<AgentIdentity> fleet = List.of(pod("a0", "c1", "a"), pod("b0", "c1", "b"), pod("b1", "c2", "b"), pod("b2", "c3", "b"));
        List<GroupCell> cells = List.of(new GroupCell("a", "b", PortSpec.of(80, Protocol.TCP), Verdict.ALLOW, AT));
        RoundPlan plan = new ProbePlanner(new PlannerSettings(1, 2, 1, 500)).plan("r", 0, "e", groups("a", "b"), cells, Optional.empty(), live(fleet));

        assertThat(plan.tasksByAgent().get("a0")).hasSize(2);
        assertThat(plan.cells()).hasSize(3);
        assertThat(plan.cells().stream().filter(c -> c.unplanned() == InconclusiveReason.NO_RESULT)).hasSize(1);
    }

    @Test
    void lostAgentsAreProbedAsTargetsButNeverSendAndGoneAgentsAreLeftOut() {
        List<RegisteredAgent> fleet = List.of(
                agent(pod("a0", "c1", "a"), AgentState.LIVE), agent(pod("a1", "c1", "a"), AgentState.LOST),
                agent(pod("b0", "c1", "b"), AgentState.LOST), agent(pod("b1", "c2", "b"), AgentState.GONE));
        List<GroupCell> cells = List.of(new GroupCell("a", "b", PortSpec.of(80, Protocol.TCP), Verdict.ALLOW, AT));
        ProbePlanner four = new ProbePlanner(new PlannerSettings(4, 100, 1, 500));

        RoundPlan plan = four.plan("r", 0, "e", groups("a", "b"), cells, Optional.empty(), fleet);

        assertThat(plan.cells()).singleElement().satisfies(c -> {
            assertThat(c.from().agentId()).isEqualTo("a0");
            assertThat(c.to().agentId()).isEqualTo("b0");
            assertThat(c.task()).isNotNull();
        });
    }

    @Test
    void aClusterWithoutLiveSourcesStillReportsItsCellsAsNoResult() {
        List<RegisteredAgent> fleet = List.of(agent(pod("a0", "c1", "a"), AgentState.LOST), agent(pod("b0", "c2", "b"), AgentState.LIVE));
        List<GroupCell> cells = List.of(new GroupCell("a", "b", PortSpec.of(80, Protocol.TCP), Verdict.ALLOW, AT));

        RoundPlan plan = planner.plan("r", 0, "e", groups("a", "b"), cells, Optional.empty(), fleet);

        assertThat(plan.cells()).singleElement().satisfies(c -> {
            assertThat(c.unplanned()).isEqualTo(InconclusiveReason.NO_RESULT);
            assertThat(c.from().agentId()).isEqualTo("a0");
        });
        assertThat(plan.taskCount()).isZero();
    }

    @Test
    void aTargetWithoutAResponderForThePortIsNotProbedAndTheCellIsInconclusive() {
        List<AgentIdentity> fleet = List.of(pod("a0", "c1", "a"), pod("b0", "c1", "b"));
        List<GroupCell> cells = List.of(new GroupCell("a", "b", PortSpec.of(443, Protocol.TCP), Verdict.DENY, AT));

        RoundPlan plan = planner.plan("r", 0, "e", groups("a", "b"), cells, Optional.empty(), live(fleet));

        assertThat(plan.cells()).singleElement()
                .satisfies(c -> assertThat(c.unplanned()).isEqualTo(InconclusiveReason.TARGET_SELF_CHECK_FAILED));
        assertThat(plan.taskCount()).isZero();
    }

    @Test
    void selfPairsAreLeftOut() {
        List<AgentIdentity> fleet = List.of(pod("a0", "c1", "a"));
        List<GroupCell> cells = List.of(new GroupCell("a", "a", PortSpec.of(80, Protocol.TCP), Verdict.ALLOW, AT));

        // one agent alone has no pair to probe: the rule still shows, inconclusive
        RoundPlan alone = planner.plan("r", 0, "e", groups("a"), cells, Optional.empty(), live(fleet));
        assertThat(alone.taskCount()).isZero();
        assertThat(alone.cells()).singleElement().satisfies(c -> {
            assertThat(c.unplanned()).isEqualTo(InconclusiveReason.NO_AGENTS);
            assertThat(c.from().agentId()).isEqualTo("a0");
            assertThat(c.to()).isNull();
        });

        List<AgentIdentity> two = List.of(pod("a0", "c1", "a"), pod("a1", "c1", "a"));
        RoundPlan plan = new ProbePlanner(new PlannerSettings(4, 100, 1, 500)).plan("r", 0, "e", groups("a"), cells, Optional.empty(), live(two));
        assertThat(plan.cells()).extracting(c -> c.from().agentId() + ">" + c.to().agentId())
                .containsExactlyInAnyOrder("a0>a1", "a1>a0");
    }

    @Test
    void aGroupWithNoAgentStillGetsItsCellsAsNoAgents() {
        List<AgentIdentity> fleet = List.of(pod("a0", "c1", "a"), pod("a1", "c2", "a"));
        List<GroupCell> cells = List.of(new GroupCell("a", "b", PortSpec.of(80, Protocol.TCP), Verdict.DENY, AT),
                new GroupCell("b", "a", PortSpec.of(80, Protocol.TCP), Verdict.ALLOW, AT));

        RoundPlan plan = planner.plan("r", 0, "e", groups("a", "b"), cells, Optional.empty(), live(fleet));

        assertThat(plan.taskCount()).isZero();
        assertThat(plan.cells()).allSatisfy(c -> assertThat(c.unplanned()).isEqualTo(InconclusiveReason.NO_AGENTS))
                .extracting(c -> c.cell().from() + ">" + c.cell().to() + " " + c.fromCluster() + ">" + c.toCluster()
                        + " " + (c.from() == null ? "-" : c.from().agentId()) + ">" + (c.to() == null ? "-" : c.to().agentId()))
                .containsExactly(
                        "a>b c1>unknown a0>-", "a>b c2>unknown a1>-",
                        "b>a unknown>c1 ->a0", "b>a unknown>c2 ->a1");
    }

    @Test
    void aClusterAGroupNamesButHasNoAgentInGetsNoAgentsCellsNextToTheProbedOnes() {
        List<AgentIdentity> fleet = List.of(pod("a0", "c1", "a"), pod("b0", "c1", "b"));
        Map<String, Group> groups = groups("a");
        groups.put("b", new Group("b", List.of("c1", "c2"), null, null, LabelSelector.matchLabels(Map.of("app", "b")),
                List.of(), AT));
        List<GroupCell> cells = List.of(new GroupCell("a", "b", PortSpec.of(80, Protocol.TCP), Verdict.ALLOW, AT));

        RoundPlan plan = planner.plan("r", 0, "e", groups, cells, Optional.empty(), live(fleet));

        assertThat(plan.cells()).extracting(c -> c.fromCluster() + ">" + c.toCluster() + " "
                        + (c.task() != null ? "probed" : c.unplanned().name()))
                .containsExactly("c1>c1 probed", "c1>c2 NO_AGENTS");
    }

    @Test
    void anExternalDestinationWithoutSourceAgentsGetsNoAgentsCells() {
        Map<String, Group> groups = groups("a");
        groups.put("meta", new Group("meta", List.of(), null, null, null, List.of("169.254.169.254/32"), AT));
        List<GroupCell> cells = List.of(new GroupCell("a", "meta", PortSpec.of(80, Protocol.TCP), Verdict.DENY, AT));

        RoundPlan plan = planner.plan("r", 0, "e", groups, cells, Optional.empty(), live(List.of(pod("x0", "c1", "x"))));

        assertThat(plan.cells()).singleElement().satisfies(c -> {
            assertThat(c.unplanned()).isEqualTo(InconclusiveReason.NO_AGENTS);
            assertThat(c.external()).isTrue();
            assertThat(c.externalAddress()).isEqualTo("169.254.169.254/32");
            assertThat(c.from()).isNull();
            assertThat(c.fromCluster()).isEqualTo(ProbePlanner.UNKNOWN_CLUSTER);
        });
    }

    @Test
    void externalDestinationsAreProbedFromASampledSourceOfEachCluster() {
        List<AgentIdentity> fleet = List.of(pod("a0", "c1", "a"), pod("a1", "c1", "a"), pod("a2", "c2", "a"));
        Map<String, Group> groups = groups("a");
        groups.put("meta", new Group("meta", List.of(), null, null, null, List.of("169.254.169.254/32"), AT));
        List<GroupCell> cells = List.of(new GroupCell("a", "meta", PortSpec.of(80, Protocol.TCP), Verdict.DENY, AT));

        RoundPlan plan = planner.plan("r", 0, "e", groups, cells, Optional.empty(), live(fleet));

        assertThat(plan.cells()).hasSize(2).allSatisfy(c -> {
            assertThat(c.external()).isTrue();
            assertThat(c.toCluster()).isEqualTo(ProbePlanner.EXTERNAL);
            assertThat(c.task().host()).isEqualTo("169.254.169.254");
            assertThat(c.task().expectedAgentId()).isNull();
        });
        assertThat(plan.cells()).extracting(PlannedCell::fromCluster).containsExactly("c1", "c2");
        assertThat(plan.selfChecksByAgent()).isEmpty();
    }

    @Test
    void theSameRoundIsPlannedTheSameWay() {
        RoundPlan a = planner.plan("r", 7, "lab", LabExpectation.groups(), LabExpectation.cells(), Optional.empty(), live(LabFleet.agents(27)));
        RoundPlan b = planner.plan("r", 7, "lab", LabExpectation.groups(), LabExpectation.cells(), Optional.empty(), live(LabFleet.agents(27)));

        assertThat(a).isEqualTo(b);
    }

    @Test
    void aCellNamingAnUnknownGroupIsRefused() {
        List<GroupCell> cells = List.of(new GroupCell("a", "nope", PortSpec.of(80, Protocol.TCP), Verdict.ALLOW, AT));

        assertThatThrownBy(() -> planner.plan("r", 0, "e", groups("a"), cells, Optional.empty(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cell a -> nope names an unknown group");
    }
}
