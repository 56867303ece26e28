package io.reachproof.coordinator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.coordinator.registry.AgentState;
import io.reachproof.coordinator.registry.RegisteredAgent;
import io.reachproof.coordinator.round.ExpectationFiles;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.expectations.Endpoint;
import io.reachproof.policy.FromPoliciesResolver;
import io.reachproof.policy.PolicyInput;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Verdict;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProbePlannerFromPoliciesTest {

    private static final Path EXAMPLES = Path.of("../expectations/examples");

    private final ProbePlanner planner = new ProbePlanner(new PlannerSettings(1, 100, 2, 500));

    private static LoadedExpectation labPolicies() throws Exception {
        return ExpectationFiles.load(List.of(EXAMPLES.resolve("lab-policies.yaml"))).get(0);
    }

    private static PolicyInput policies() {
        return PolicyInputReader.read(List.of(EXAMPLES.resolve("policies/lab")), List.of()).input();
    }

    private static List<RegisteredAgent> registered(List<AgentIdentity> agents, AgentState state) {
        return agents.stream().map(a -> new RegisteredAgent(a, state, Instant.EPOCH, Instant.EPOCH, 0, 0)).toList();
    }

    private static FromPoliciesResolver resolver(LoadedExpectation set, List<AgentIdentity> agents) {
        return FromPoliciesResolver.compile(set.expectation(), policies(), agents.stream().map(ProbePlanner::endpoint).toList());
    }

    @Test
    void derivedCellsAreProbedInAndAcrossClustersWithTheVerdictThePoliciesImplyForThatPair() throws Exception {
        LoadedExpectation set = labPolicies();
        List<AgentIdentity> fleet = LabFleet.agents(9);
        FromPoliciesResolver derived = resolver(set, fleet);

        RoundPlan plan = planner.plan("r1", 0, set.name(), set.expectation().groups(), set.cells(), Optional.of(derived),
                registered(fleet, AgentState.LIVE));

        assertThat(set.cells()).isEmpty();
        assertThat(plan.cells()).hasSize(216).allSatisfy(c -> {
            assertThat(c.task()).isNotNull();
            Endpoint from = ProbePlanner.endpoint(c.from());
            Endpoint to = ProbePlanner.endpoint(c.to());
            assertThat(derived.decide(from, to, c.cell().port())).contains(c.cell().verdict());
            assertThat(c.cell().rule().fileLine()).isEqualTo(EXAMPLES.resolve("lab-policies.yaml") + ":23");
        });
        List<PlannedCell> inCluster = plan.cells().stream().filter(c -> c.fromCluster().equals(c.toCluster())).toList();
        assertThat(inCluster).hasSize(54);
        assertThat(inCluster).filteredOn(c -> c.cell().verdict() == Verdict.DENY).hasSize(24);
        // across clusters the lab's selectors match nothing: checkout and payments are denied, the frontend is open
        assertThat(plan.cells()).filteredOn(c -> !c.fromCluster().equals(c.toCluster())).hasSize(162)
                .allSatisfy(c -> assertThat(c.cell().verdict()).isEqualTo(c.cell().to().equals("frontend") ? Verdict.ALLOW
                        : Verdict.DENY))
                .filteredOn(c -> c.cell().verdict() == Verdict.DENY).allSatisfy(c -> assertThat(c.decidedBy())
                        .startsWith("ingress of cluster " + c.toCluster() + ": NetworkPolicy "));
        assertThat(plan.cells()).filteredOn(c -> c.cell().port().protocol() == Protocol.HTTP)
                .allSatisfy(c -> assertThat(c.task().path()).isEqualTo("/reachproof/identity"));
    }

    @Test
    void anExpectRuleForSameClusterPairsLeavesTheCrossClusterPairsOfItsCellToThePolicies() throws Exception {
        String text = java.nio.file.Files.readString(EXAMPLES.resolve("lab-policies.yaml")).replace("  fromPolicies:\n",
                "  expect:\n    - {from: frontend, to: payments, ports: [\"7001/TCP\"], verdict: allow, clusters: same}\n"
                        + "  fromPolicies:\n");
        LoadedExpectation set = ExpectationFiles.load("lab-policies.yaml", text).get(0);
        List<AgentIdentity> fleet = LabFleet.agents(9);

        RoundPlan plan = planner.plan("r1", 0, set.name(), set.expectation().groups(), set.cells(),
                Optional.of(resolver(set, fleet)), registered(fleet, AgentState.LIVE));

        List<PlannedCell> cells = plan.cells().stream().filter(c -> c.cell().from().equals("frontend")
                && c.cell().to().equals("payments") && c.cell().port().port() == 7001).toList();
        assertThat(cells).hasSize(9).allSatisfy(c -> {
            boolean same = c.fromCluster().equals(c.toCluster());
            // in a cluster the rule says allow; across clusters the policies say deny (payments takes nothing from there)
            assertThat(c.cell().verdict()).isEqualTo(same ? Verdict.ALLOW : Verdict.DENY);
            assertThat(c.cell().rule().line()).isEqualTo(same ? 24 : 25);
            assertThat(c.decidedBy()).isEqualTo(same ? null
                    : "ingress of cluster " + c.toCluster() + ": NetworkPolicy payments/default-deny-ingress ("
                            + EXAMPLES.resolve("policies/lab/payments.yaml") + ":2)");
        });
    }

    @Test
    void everyPairOfACellInOneClusterIsProbedWithinSourcesTimesTargetsRounds() throws Exception {
        LoadedExpectation set = labPolicies();
        List<AgentIdentity> fleet = LabFleet.agents(18); // two agents per role and cluster
        FromPoliciesResolver derived = resolver(set, fleet);
        Set<String> seen = new HashSet<>();
        List<String> wrongVerdicts = new ArrayList<>();

        for (long round = 0; round < 4; round++) {
            RoundPlan plan = planner.plan("r" + round, round, set.name(), set.expectation().groups(), set.cells(),
                    Optional.of(derived), registered(fleet, AgentState.LIVE));
            for (PlannedCell c : plan.cells()) {
                if (c.cell().from().equals("frontend") && c.cell().to().equals("payments") && c.cell().port().port() == 7001
                        && c.fromCluster().equals(c.toCluster())) {
                    seen.add(c.from().agentId() + "->" + c.to().agentId());
                }
                Verdict derivedVerdict = derived.decide(ProbePlanner.endpoint(c.from()), ProbePlanner.endpoint(c.to()),
                        c.cell().port()).orElseThrow();
                if (derivedVerdict != c.cell().verdict()) {
                    wrongVerdicts.add(c.toString());
                }
            }
        }

        assertThat(wrongVerdicts).isEmpty();
        assertThat(seen).hasSize(12).allSatisfy(pair -> {
            String[] ids = pair.split("->");
            assertThat(LabFleet.agents(18).stream().filter(a -> a.agentId().equals(ids[0])).findFirst().orElseThrow().cluster())
                    .isEqualTo(LabFleet.agents(18).stream().filter(a -> a.agentId().equals(ids[1])).findFirst().orElseThrow().cluster());
        });
    }

    @Test
    void lostSourcesLeaveDerivedCellsInconclusiveWithTheirVerdict() throws Exception {
        LoadedExpectation set = labPolicies();
        List<AgentIdentity> fleet = LabFleet.agents(9);
        List<RegisteredAgent> agents = new ArrayList<>(registered(fleet.subList(0, 3), AgentState.LOST));
        agents.addAll(registered(fleet.subList(3, 9), AgentState.LIVE));

        RoundPlan plan = planner.plan("r1", 0, set.name(), set.expectation().groups(), set.cells(),
                Optional.of(resolver(set, fleet)), agents);

        assertThat(plan.cells()).filteredOn(c -> c.cell().from().equals("frontend")).hasSize(72).allSatisfy(c -> {
            assertThat(c.unplanned()).isEqualTo(InconclusiveReason.NO_RESULT);
            boolean denied = c.fromCluster().equals(c.toCluster())
                    ? c.cell().to().equals("payments") || c.cell().port().port() == 7002
                    : !c.cell().to().equals("frontend");
            assertThat(c.cell().verdict()).isEqualTo(denied ? Verdict.DENY : Verdict.ALLOW);
        });
        assertThat(plan.taskCount()).isEqualTo(144);
    }
}
