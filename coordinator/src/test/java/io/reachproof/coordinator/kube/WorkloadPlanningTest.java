package io.reachproof.coordinator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.reachproof.coordinator.evaluate.RoundEvaluator;
import io.reachproof.coordinator.plan.PlannerSettings;
import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.registry.AgentRegistry;
import io.reachproof.coordinator.registry.RegistrySettings;
import io.reachproof.coordinator.round.ExpectationFiles;
import io.reachproof.coordinator.round.InMemoryRoundHistory;
import io.reachproof.coordinator.round.PlanBoard;
import io.reachproof.coordinator.round.RoundEnricher;
import io.reachproof.coordinator.round.RoundService;
import io.reachproof.coordinator.round.RoundSettings;
import io.reachproof.coordinator.round.RoundTrigger;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PlanRound;
import io.reachproof.protocol.PodListener;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.TargetAnswer;
import io.reachproof.protocol.TargetReadiness;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workload mode from the Kubernetes API to the agents' plans: the pods and namespaces of fabric8's mock API server
 * (CRUD mode), kept by a {@link PodInventory}, are what the groups select; each destination pod's port goes to the
 * agent on its node to prepare, and each probe to the agent on its source pod's node.
 */
@EnableKubernetesMockClient(crud = true)
class WorkloadPlanningTest {

    private static final String CLUSTER = "gke-prod";
    private static final String EXPECTATIONS = """
            apiVersion: reachproof.io/v1alpha1
            kind: ConnectivityExpectation
            metadata: {name: shop}
            spec:
              interval: 30s
              groups:
                frontend: {namespaceSelector: {matchLabels: {team: web}}, podSelector: {matchLabels: {app: frontend}}}
                payments: {namespace: payments, podSelector: {matchLabels: {app: payments}}}
              expect:
                - {from: frontend, to: payments, ports: ["8443/TCP"], verdict: allow}
            """;

    KubernetesClient client;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AgentRegistry registry = new AgentRegistry(Clock.systemUTC(), RegistrySettings.defaults());
    private final PlanBoard board = new PlanBoard(5000, timer, 1);
    private PodInventory inventory;
    private RoundService rounds;

    private static Pod pod(String namespace, String name, String node, String ip, String app, int... ports) {
        Pod pod = new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).withLabels(Map.of("app", app))
                .endMetadata().withNewSpec().withNodeName(node).addNewContainer().withName("app").withImage("app")
                .endContainer().endSpec().withNewStatus().withPhase("Running").withPodIP(ip).endStatus().build();
        for (int port : ports) {
            pod.getSpec().getContainers().get(0).getPorts().add(new ContainerPortBuilder().withContainerPort(port).build());
        }
        return pod;
    }

    private void register(String node, boolean workload) {
        AgentIdentity agent = new AgentIdentity("agent-" + node, CLUSTER, "gcp", "europe-west1", node, "reachproof",
                "agent-" + node, List.of("10.0.0.1"), Map.of(), Map.of(), List.of(),
                workload ? Set.of(AgentIdentity.CAPABILITY_WORKLOAD) : Set.of());
        registry.register(agent, "key-of-" + agent.agentId() + "-0123456789abcdef0123456789");
    }

    @BeforeEach
    void setUp() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
                .withLabels(Map.of("team", "web")).endMetadata().build()).create();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("payments").endMetadata().build())
                .create();
        client.pods().inNamespace("shop").resource(pod("shop", "frontend-1", "node-a", "10.8.0.4", "frontend")).create();
        client.pods().inNamespace("shop").resource(pod("shop", "frontend-2", "node-b", "10.8.1.4", "frontend")).create();
        client.pods().inNamespace("payments").resource(pod("payments", "payments-1", "node-b", "10.8.1.9", "payments", 8443))
                .create();
        inventory = PodInventory.start(client, CLUSTER);
        register("node-a", true);
        register("node-b", true);
        rounds = new RoundService(Clock.systemUTC(), registry, board, new ProbePlanner(new PlannerSettings(10, 100, 2, 200)),
                new RoundEvaluator(2), RoundEnricher.NONE, report -> report, new InMemoryRoundHistory(Set.of("shop"), 3),
                ExpectationFiles.load("shop.yaml", EXPECTATIONS), RoundSettings.defaults(), timer,
                () -> Map.of(CLUSTER, inventory.pods()));
    }

    @AfterEach
    void tearDown() {
        rounds.close();
        inventory.close();
        timer.shutdownNow();
    }

    private List<PlanRound> share(String agent) {
        return board.current(agent).rounds();
    }

    @Test
    void eachProbeGoesToTheAgentOnItsSourcePodsNodeAfterTheDestinationsNodeAgentPreparedIt() throws Exception {
        RoundTrigger.Started started = rounds.runNow("shop");

        assertThat(share("agent-node-a")).isEmpty();
        PodListener listener = share("agent-node-b").get(0).prepare().get(0);
        assertThat(listener.pod().displayName()).isEqualTo("payments/payments-1");
        assertThat(listener.pod().uid()).isEqualTo(client.pods().inNamespace("payments").withName("payments-1").get()
                .getMetadata().getUid());
        assertThat(listener.declared()).isTrue();

        rounds.accept(new ResultBatch("agent-node-b", List.of(), List.of(), List.of(new TargetReadiness("agent-node-b",
                started.roundId(), listener.pod(), listener.port(), TargetAnswer.APP, "served by the pod's app", 0))));

        ProbeTask fromA = share("agent-node-a").get(0).tasks().get(0);
        ProbeTask fromB = share("agent-node-b").get(0).tasks().get(0);
        assertThat(fromA.sourcePod().displayName()).isEqualTo("shop/frontend-1");
        assertThat(fromB.sourcePod().displayName()).isEqualTo("shop/frontend-2");
        assertThat(List.of(fromA, fromB)).allSatisfy(t -> {
            assertThat(t.host()).isEqualTo("10.8.1.9");
            assertThat(t.port()).isEqualTo(8443);
            assertThat(t.targetPod()).isEqualTo(listener.pod());
        });

        for (String agent : List.of("agent-node-a", "agent-node-b")) {
            List<ProbeResult> results = new ArrayList<>();
            for (ProbeTask t : share(agent).get(0).tasks()) {
                results.add(new ProbeResult("res-" + t.taskId(), t.taskId(), agent, started.roundId(), Outcome.CONNECTED,
                        1, 900, null, "", 0));
            }
            rounds.accept(new ResultBatch(agent, results, List.of()));
        }
        RoundReport report = started.report().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(report.complete()).isTrue();
        assertThat(report.cells()).extracting(c -> c.from().displayName() + " -> " + c.to().displayName() + " "
                + c.observed()).containsExactlyInAnyOrder("shop/frontend-1 -> payments/payments-1 ALLOW",
                        "shop/frontend-2 -> payments/payments-1 ALLOW");
        assertThat(report.mismatches()).isEmpty();
    }

    @Test
    void aPodThatAppearsInTheClusterIsPlannedInTheNextRoundAndOneOnANodeWithoutAWorkloadAgentIsNoAgentOnNode()
            throws Exception {
        register("node-c", false);
        client.pods().inNamespace("shop").resource(pod("shop", "frontend-3", "node-c", "10.8.2.4", "frontend")).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> inventory.pods().size() == 4);
        client.pods().inNamespace("payments").withName("payments-1").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> inventory.pods().size() == 3);

        RoundReport report = rounds.runNow("shop").report().toCompletableFuture().get(30, TimeUnit.SECONDS);

        // no payments pod is left: the rule is still in the report, proven by nobody
        assertThat(report.cells()).singleElement().satisfies(c -> {
            assertThat(c.reason()).hasToString("NO_AGENTS");
            assertThat(c.to().displayName()).isEqualTo("(no agent)");
        });
        client.pods().inNamespace("payments").resource(pod("payments", "payments-2", "node-c", "10.8.2.9", "payments"))
                .create();
        await().atMost(Duration.ofSeconds(10)).until(() -> inventory.pods().size() == 4);

        RoundReport next = rounds.runNow("shop").report().toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(next.cells()).singleElement().satisfies(c -> {
            assertThat(c.reason()).hasToString("NO_AGENT_ON_NODE");
            assertThat(c.to().displayName()).isEqualTo("payments/payments-2");
            assertThat(c.to().node()).isEqualTo("node-c");
            assertThat(c.to().agentId()).isNull();
        });
        assertThat(next.cells()).extracting(CellResult::rule).containsExactly("shop.yaml:10");
    }
}
