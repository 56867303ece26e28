package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reachproof.coordinator.assembly.Coordinator;
import io.reachproof.coordinator.assembly.CoordinatorSettings;
import io.reachproof.coordinator.registry.AgentState;
import io.reachproof.coordinator.round.ExpectationFiles;
import io.reachproof.protocol.RoundReport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentWithCoordinatorTest {

    @TempDir
    Path spool;

    private final String net = "127." + ThreadLocalRandom.current().nextInt(100, 200) + "." + ThreadLocalRandom.current().nextInt(1, 250) + ".";
    private final CliRun cli = new CliRun();

    private CompletableFuture<Integer> agent(AgentCommand agent, String url, String id, String ns, String app, int host) {
        agent.env = Map.of();
        CommandLine cmd = cli.wrap(agent);
        return CompletableFuture.supplyAsync(() -> cmd.execute("--id", id, "--cluster", "aws-lab", "--cloud", "aws",
                "--namespace", ns, "--pod", id, "--pod-ip", net + host, "--bind", net + host,
                "--coordinator", url, "--token", "t-aws", "--spool", spool.resolve(id).toString()));
    }

    @Test
    void agentsNamingACoordinatorRegisterProbeAndDeliverResults() throws Exception {
        var sets = ExpectationFiles.load("probe.yaml", """
                apiVersion: reachproof.io/v1alpha1
                kind: ConnectivityExpectation
                metadata: {name: probe}
                spec:
                  interval: 1s
                  groups:
                    a: {namespace: a}
                    b: {namespace: b}
                  expect:
                    - {from: a, to: b, ports: ["7001/TCP"], verdict: allow}
                """);
        CoordinatorSettings settings = CoordinatorSettings.defaults(0, Map.of("aws-lab", "t-aws"))
                .withPollTimeout(Duration.ofSeconds(2));
        try (Coordinator coordinator = new Coordinator(settings, sets, Clock.systemUTC())) {
            coordinator.start();
            AgentCommand a = new AgentCommand();
            AgentCommand b = new AgentCommand();
            CompletableFuture<Integer> exitA = agent(a, coordinator.url().toString(), "agent-a", "a", "x", 11);
            CompletableFuture<Integer> exitB = agent(b, coordinator.url().toString(), "agent-b", "b", "y", 12);

            await().atMost(Duration.ofSeconds(20)).until(() -> coordinator.registry().snapshot().stream()
                    .filter(r -> r.state() == AgentState.LIVE).count() == 2);
            await().atMost(Duration.ofSeconds(20)).until(() -> coordinator.history().latest("probe")
                    .filter(r -> r.coverage() == 1.0).isPresent());

            RoundReport report = coordinator.history().latest("probe").orElseThrow();
            assertThat(report.cells()).singleElement().satisfies(c -> {
                assertThat(c.from().agentId()).isEqualTo("agent-a");
                assertThat(c.to().agentId()).isEqualTo("agent-b");
                assertThat(c.observed()).hasToString("ALLOW");
            });
            assertThat(cli.out()).contains("agent agent-a reporting to " + coordinator.url());
            a.stop.countDown();
            b.stop.countDown();
            assertThat(exitA.get(10, TimeUnit.SECONDS)).isZero();
            assertThat(exitB.get(10, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void aCoordinatorWithoutATokenIsAUsageErrorBeforeAnythingStarts() {
        AgentCommand agent = new AgentCommand();
        agent.env = Map.of();

        int code = cli.wrap(agent).execute("--id", "x", "--cluster", "aws-lab", "--cloud", "aws", "--bind", net + "1",
                "--coordinator", "http://127.0.0.1:1");

        assertThat(code).isEqualTo(2);
        assertThat(cli.err()).contains("--coordinator needs --token (or REACHPROOF_TOKEN): the bearer token of cluster aws-lab");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void aTokenWithoutACoordinatorIsAUsageError() {
        AgentCommand agent = new AgentCommand();
        agent.env = Map.of();

        int code = cli.wrap(agent).execute("--id", "x", "--cluster", "aws-lab", "--cloud", "aws", "--token", "t");

        assertThat(code).isEqualTo(2);
        assertThat(cli.err()).contains("--token needs --coordinator");
    }

    @Test
    void anAgentInWorkloadModeRegistersWithTheWorkloadCapability() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "workload mode enters network namespaces: needs root or CAP_SYS_ADMIN");
        var sets = ExpectationFiles.load("probe.yaml", """
                apiVersion: reachproof.io/v1alpha1
                kind: ConnectivityExpectation
                metadata: {name: probe}
                spec:
                  interval: 1h
                  groups:
                    a: {namespace: a}
                  expect:
                    - {from: a, to: a, ports: ["7001/TCP"], verdict: allow}
                """);
        CoordinatorSettings settings = CoordinatorSettings.defaults(0, Map.of("aws-lab", "t-aws"))
                .withPollTimeout(Duration.ofSeconds(2));
        try (Coordinator coordinator = new Coordinator(settings, sets, Clock.systemUTC())) {
            coordinator.start();
            AgentCommand agent = new AgentCommand();
            agent.env = Map.of("REACHPROOF_WORKLOAD_MODE", "true", "REACHPROOF_POD_NETNS", "named");
            CommandLine cmd = cli.wrap(agent);
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cmd.execute("--id", "node-1",
                    "--cluster", "aws-lab", "--cloud", "aws", "--node", "node-1", "--bind", net + "21",
                    "--coordinator", coordinator.url().toString(), "--token", "t-aws",
                    "--spool", spool.resolve("node-1").toString()));

            await().atMost(Duration.ofSeconds(20)).until(() -> coordinator.registry().find("node-1").isPresent());
            assertThat(coordinator.registry().find("node-1").orElseThrow().identity().capabilities())
                    .containsExactlyInAnyOrder("tcp", "udp", "http", io.reachproof.protocol.AgentIdentity.CAPABILITY_WORKLOAD);
            assertThat(cli.out()).contains("agent node-1: workload mode: probes from pods leave from their network"
                    + " namespaces (named under /run/netns)");
            agent.stop.countDown();
            assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void anUnknownPodNamespaceSourceIsAUsageError() {
        AgentCommand agent = new AgentCommand();
        agent.env = Map.of();

        int code = cli.wrap(agent).execute("--id", "x", "--cluster", "aws-lab", "--cloud", "aws", "--bind", net + "22",
                "--workload-mode", "--pod-netns", "cri");

        assertThat(code).isEqualTo(2);
        assertThat(cli.err()).contains("--pod-netns must be proc, named or named:TEMPLATE, not cri");
    }
}
