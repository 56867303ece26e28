package io.reachproof.coordinator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.coordinator.registry.AgentState;
import io.reachproof.coordinator.registry.RegisteredAgent;
import io.reachproof.coordinator.round.ExpectationFiles;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.expectations.Group;
import io.reachproof.expectations.GroupCell;
import io.reachproof.expectations.HttpCheck;
import io.reachproof.expectations.LabelSelector;
import io.reachproof.expectations.PortSpec;
import io.reachproof.policy.FromPoliciesResolver;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.PodListener;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Responder;
import io.reachproof.protocol.Verdict;
import io.reachproof.yaml.SourceRef;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Workload mode in the planner: groups select real pods, a probe goes to the agent on its source pod's node, the
 * agent on its destination pod's node prepares the port first, and a pod whose node runs no workload-mode agent
 * is inconclusive, not left out.
 */
class ProbePlannerWorkloadTest {

    private static final SourceRef AT = new SourceRef("shop.yaml", 7, 5);
    private static final String CLUSTER = "gcp-prod";

    private final ProbePlanner planner = new ProbePlanner(new PlannerSettings(10, 100, 2, 500));

    private static AgentIdentity nodeAgent(String cluster, String node, boolean workload) {
        return new AgentIdentity("agent-" + node, cluster, "gcp", "europe-west1", node, "reachproof", "agent-" + node,
                List.of("10.0.0." + node.charAt(node.length() - 1)), Map.of("app", "reachproof-agent"), Map.of(),
                List.of(new Responder(7001, "TCP")), workload ? Set.of(AgentIdentity.CAPABILITY_WORKLOAD) : Set.of());
    }

    private static RegisteredAgent registered(AgentIdentity identity, AgentState state) {
        return new RegisteredAgent(identity, state, Instant.EPOCH, Instant.EPOCH, 0, 0);
    }

    private static WorkloadPod pod(String namespace, String name, String node, String ip, String app, Responder... ports) {
        return new WorkloadPod(CLUSTER, namespace, name, "uid-" + name, ip, node, Map.of("app", app),
                Map.of("team", namespace), List.of(ports));
    }

    private static Map<String, Group> groups(String... apps) {
        Map<String, Group> groups = new LinkedHashMap<>();
        for (String app : apps) {
            groups.put(app, new Group(app, List.of(), null, null, LabelSelector.matchLabels(Map.of("app", app)), List.of(), AT));
        }
        return groups;
    }

    private static GroupCell cell(String from, String to, PortSpec port) {
        return new GroupCell(from, to, port, Verdict.ALLOW, AT);
    }

    private static final WorkloadPod FRONTEND = pod("shop", "frontend-1", "node-1", "10.8.1.10", "frontend");
    private static final WorkloadPod PAYMENTS = pod("payments", "payments-1", "node-2", "10.8.2.20", "payments",
            new Responder(8443, "TCP"));
    private static final WorkloadPod BATCH = pod("jobs", "batch-1", "node-3", "10.8.3.30", "batch");

    private static final List<RegisteredAgent> AGENTS = List.of(
            registered(nodeAgent(CLUSTER, "node-1", true), AgentState.LIVE),
            registered(nodeAgent(CLUSTER, "node-2", true), AgentState.LIVE),
            // node-3's agent does not run in workload mode
            registered(nodeAgent(CLUSTER, "node-3", false), AgentState.LIVE));

    private RoundPlan plan(List<GroupCell> cells, Map<String, Group> groups, List<RegisteredAgent> agents,
            List<WorkloadPod> pods) {
        return planner.plan("r1", 0, "shop", groups, cells, Optional.empty(), agents, Map.of(CLUSTER, pods));
    }

    @Test
    void aProbeLeavesFromTheSourcePodThroughTheAgentOnItsNodeAndIsAimedAtTheDestinationPod() {
        RoundPlan plan = plan(List.of(cell("frontend", "payments", PortSpec.of(8443, Protocol.TCP))),
                groups("frontend", "payments"), AGENTS, List.of(FRONTEND, PAYMENTS, BATCH));

        assertThat(plan.cells()).singleElement().satisfies(c -> {
            assertThat(c.workload()).isTrue();
            assertThat(c.fromPod()).isEqualTo(FRONTEND);
            assertThat(c.toPod()).isEqualTo(PAYMENTS);
            assertThat(c.from().agentId()).isEqualTo("agent-node-1");
            assertThat(c.to().agentId()).isEqualTo("agent-node-2");
            assertThat(c.fromCluster()).isEqualTo(CLUSTER);
        });
        assertThat(plan.tasksByAgent()).containsOnlyKeys("agent-node-1");
        ProbeTask task = plan.tasksByAgent().get("agent-node-1").get(0);
        assertThat(task.host()).isEqualTo("10.8.2.20");
        assertThat(task.port()).isEqualTo(8443);
        assertThat(task.sourcePod()).isEqualTo(FRONTEND.ref());
        assertThat(task.targetPod()).isEqualTo(PAYMENTS.ref());
        assertThat(task.expectedAgentId()).as("a borrowed listener's identity, until the pod's agent says the app answers")
                .isEqualTo("pod:payments/payments-1");
        // a pod is no agent: no responder to self-check, its port is prepared instead
        assertThat(plan.selfChecksByAgent()).isEmpty();
        assertThat(plan.preparing()).isTrue();
    }

    @Test
    void theDestinationNodesAgentPreparesEachPortOnceAndAPortThePodDeclaresIsLeftToTheApp() {
        HttpCheck health = new HttpCheck("/healthz", "GET", 200, 299);
        RoundPlan plan = plan(List.of(
                        cell("frontend", "payments", PortSpec.of(8443, Protocol.TCP)),
                        cell("batch", "payments", PortSpec.of(8443, Protocol.TCP)),
                        cell("frontend", "payments", new PortSpec(9000, Protocol.HTTP, health)),
                        cell("frontend", "payments", PortSpec.of(5353, Protocol.UDP))),
                groups("frontend", "payments", "batch"), AGENTS, List.of(FRONTEND, PAYMENTS, BATCH));

        assertThat(plan.prepareByAgent()).containsOnlyKeys("agent-node-2");
        assertThat(plan.prepareByAgent().get("agent-node-2")).containsExactly(
                new PodListener(PAYMENTS.ref(), new Responder(8443, "TCP"), null, true),
                new PodListener(PAYMENTS.ref(), new Responder(9000, "HTTP"), "/healthz", false),
                new PodListener(PAYMENTS.ref(), new Responder(5353, "UDP"), null, false));
        assertThat(plan.participants()).containsExactly("agent-node-1", "agent-node-2");
    }

    @Test
    void aPodWhoseNodeRunsNoWorkloadModeAgentIsInconclusiveAsASourceAndAsADestination() {
        RoundPlan plan = plan(List.of(
                        cell("batch", "payments", PortSpec.of(8443, Protocol.TCP)),
                        cell("frontend", "batch", PortSpec.of(8080, Protocol.TCP))),
                groups("frontend", "payments", "batch"), AGENTS, List.of(FRONTEND, PAYMENTS, BATCH));

        assertThat(plan.cells()).hasSize(2).allSatisfy(c -> {
            assertThat(c.task()).isNull();
            assertThat(c.unplanned()).isEqualTo(InconclusiveReason.NO_AGENT_ON_NODE);
        });
        assertThat(plan.cells().get(0).fromPod()).isEqualTo(BATCH);
        assertThat(plan.cells().get(0).from()).as("no agent probes from node-3").isNull();
        assertThat(plan.cells().get(1).toPod()).isEqualTo(BATCH);
        assertThat(plan.cells().get(1).to()).isNull();
        assertThat(plan.taskCount()).isZero();
    }

    @Test
    void aSourcePodWhoseAgentIsLostHasNoResultAndALiveAgentOfTheNodeWinsOverALostOne() {
        AgentIdentity replaced = new AgentIdentity("agent-node-1-old", CLUSTER, "gcp", "europe-west1", "node-1",
                "reachproof", "agent-node-1-old", List.of("10.0.0.9"), Map.of(), Map.of(), List.of(),
                Set.of(AgentIdentity.CAPABILITY_WORKLOAD));
        List<GroupCell> cells = List.of(cell("frontend", "payments", PortSpec.of(8443, Protocol.TCP)));

        RoundPlan lost = plan(cells, groups("frontend", "payments"), List.of(registered(replaced, AgentState.LOST),
                AGENTS.get(1)), List.of(FRONTEND, PAYMENTS));
        RoundPlan both = plan(cells, groups("frontend", "payments"), List.of(registered(replaced, AgentState.LOST),
                AGENTS.get(0), AGENTS.get(1)), List.of(FRONTEND, PAYMENTS));

        assertThat(lost.cells()).singleElement().satisfies(c -> {
            assertThat(c.unplanned()).isEqualTo(InconclusiveReason.NO_RESULT);
            assertThat(c.from().agentId()).isEqualTo("agent-node-1-old");
        });
        assertThat(both.tasksByAgent()).containsOnlyKeys("agent-node-1");
    }

    @Test
    void agentsOfAWorkloadClusterAreNoGroupMembersWhileOtherClustersStayInAgentMode() {
        AgentIdentity awsAgent = new AgentIdentity("aws-frontend", "aws-prod", "aws", "eu-west-1", "ip-1", "shop",
                "aws-frontend", List.of("10.1.0.1"), Map.of("app", "frontend"), Map.of(), List.of(new Responder(8443, "TCP")),
                Set.of());
        AgentIdentity gcpAgentLabelledLikeAnApp = new AgentIdentity("agent-node-1", CLUSTER, "gcp", "europe-west1",
                "node-1", "reachproof", "agent-node-1", List.of("10.0.0.1"), Map.of("app", "frontend"), Map.of(),
                List.of(new Responder(8443, "TCP")), Set.of(AgentIdentity.CAPABILITY_WORKLOAD));
        List<RegisteredAgent> agents = List.of(registered(awsAgent, AgentState.LIVE),
                registered(gcpAgentLabelledLikeAnApp, AgentState.LIVE), AGENTS.get(1));

        RoundPlan plan = plan(List.of(cell("frontend", "payments", PortSpec.of(8443, Protocol.TCP))),
                groups("frontend", "payments"), agents, List.of(FRONTEND, PAYMENTS));

        List<String> ends = new ArrayList<>();
        for (PlannedCell c : plan.cells()) {
            ends.add(c.fromCluster() + ":" + (c.fromPod() != null ? c.fromPod().name() : c.from().agentId()) + ">"
                    + (c.toPod() != null ? c.toPod().name() : c.to().agentId()));
        }
        // the aws agent probes the gcp pod from its own namespace (agent mode there); the gcp agent is no frontend
        assertThat(ends).containsExactlyInAnyOrder("aws-prod:aws-frontend>payments-1", "gcp-prod:frontend-1>payments-1");
        PlannedCell crossCloud = plan.cells().stream().filter(c -> c.fromCluster().equals("aws-prod")).findFirst().orElseThrow();
        assertThat(crossCloud.task().sourcePod()).isNull();
        assertThat(crossCloud.task().targetPod()).isEqualTo(PAYMENTS.ref());
    }

    @Test
    void fromPoliciesDerivesTheVerdictsOfTheRealPodsFromTheirLabelsAndDeclaredPorts() throws Exception {
        Path examples = Path.of("../expectations/examples");
        LoadedExpectation set = ExpectationFiles.load(List.of(examples.resolve("lab-policies.yaml"))).get(0);
        WorkloadPod frontend = new WorkloadPod(CLUSTER, "shop", "frontend-1", "uid-f", "10.8.1.10", "node-1",
                Map.of("app", "frontend"), Map.of("team", "shop"), List.of(new Responder(8080, "TCP")));
        WorkloadPod checkout = new WorkloadPod(CLUSTER, "shop", "checkout-1", "uid-c", "10.8.1.11", "node-1",
                Map.of("app", "checkout"), Map.of("team", "shop"), List.of(new Responder(7001, "TCP")));
        WorkloadPod payments = new WorkloadPod(CLUSTER, "payments", "payments-1", "uid-p", "10.8.2.20", "node-2",
                Map.of("app", "payments"), Map.of(), List.of(new Responder(7001, "TCP")));
        Map<String, List<WorkloadPod>> pods = Map.of(CLUSTER, List.of(frontend, checkout, payments));
        FromPoliciesResolver derived = FromPoliciesResolver.compile(set.expectation(),
                PolicyInputReader.read(List.of(examples.resolve("policies/lab")), List.of()).input(),
                ProbePlanner.endpoints(AGENTS, pods));

        RoundPlan plan = planner.plan("r1", 0, set.name(), set.expectation().groups(), set.cells(), Optional.of(derived),
                AGENTS, pods);

        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        Map<String, String> decidedBy = new LinkedHashMap<>();
        Map<String, String> explain = new LinkedHashMap<>();
        for (PlannedCell c : plan.cells()) {
            String key = c.fromPod().name() + ">" + c.toPod().name() + ":" + c.cell().port().port();
            verdicts.put(key, c.cell().verdict());
            decidedBy.put(key, c.decidedBy());
            explain.put(key, c.explain());
        }
        assertThat(verdicts).containsEntry("checkout-1>payments-1:7001", Verdict.ALLOW)
                .containsEntry("frontend-1>payments-1:7001", Verdict.DENY)
                .containsEntry("frontend-1>checkout-1:7001", Verdict.ALLOW)
                .containsEntry("checkout-1>frontend-1:8080", Verdict.ALLOW);
        assertThat(decidedBy.get("checkout-1>payments-1:7001")).contains("payments-from-checkout");
        assertThat(decidedBy.get("frontend-1>payments-1:7001")).contains("payments");
        assertThat(explain.get("frontend-1>payments-1:7001")).as("the engine's reason travels with the cell")
                .startsWith("ingress to payments/payments-1: denied: isolated for ingress by ")
                .endsWith("and no rule allows shop/frontend-1 on 7001/TCP");
        assertThat(explain.get("checkout-1>payments-1:7001")).contains("allowed by spec.ingress[0] of NetworkPolicy");
        assertThat(plan.prepareByAgent().get("agent-node-2")).extracting(PodListener::declared).containsOnly(true);
    }
}
