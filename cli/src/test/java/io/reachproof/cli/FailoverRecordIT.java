package io.reachproof.cli;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.reachproof.agent.control.AgentRuntime;
import io.reachproof.agent.control.ControlLoop;
import io.reachproof.agent.control.ControlSettings;
import io.reachproof.cli.dataplane.Shell;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.coordinator.rollback.WebhookConfig;
import io.reachproof.coordinator.store.JdbcStore;
import io.reachproof.coordinator.store.ProofRecord;
import io.reachproof.coordinator.store.ReportQuery;
import io.reachproof.coordinator.store.TestPostgres;
import io.reachproof.coordinator.testing.HookReceiver;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code reachproof coordinator} processes with leader election (fabric8's mock API server) and one proof record
 * on a real PostgreSQL; agents on loopback (each answering and probing from its own address; nothing denies
 * frontend -> payments) make a HOLE episode. The leader is killed (SIGKILL) while the episode is open; the other
 * takes over and continues it: the webhook receiver sees no second {@code opened} and no {@code resolved}, the
 * record holds the one open episode with the first leader's idempotency key, and rounds go on from the new leader,
 * none recorded twice. Then the hole is fixed (an nftables rule drops frontend -> payments 7001/TCP, by the agents'
 * source addresses): the new leader sends one {@code resolved} of the first leader's episode, and the record closes
 * the episode.
 */
@EnableKubernetesMockClient(crud = true)
class FailoverRecordIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path JAR = ROOT.resolve("cli/target/reachproof.jar");
    private static final String FIX_TABLE = "reachproof_failover_fix";
    private static final List<String> NETS = List.of("127.61", "127.62");

    KubernetesClient client;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final List<AutoCloseable> agents = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (Shell.onPath("nft")) {
            Shell.run(null, "sh", "-c", "nft delete table inet " + FIX_TABLE + " 2>/dev/null || true");
        }
        for (AutoCloseable a : agents) {
            a.close();
        }
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(20, SECONDS)) {
                p.destroyForcibly().waitFor(10, SECONDS);
            }
        }
    }

    private String start(String name, Path kubeconfig, TestPostgres pg, HookReceiver hooks) throws IOException {
        int port = CoordinatorLeaderElectionIT.freePort();
        StringBuilder tokens = new StringBuilder("tokens: {");
        LabFleet.tokens().forEach((c, t) -> tokens.append(c).append(": ").append(t).append(", "));
        Path config = Files.writeString(dir.resolve(name + ".yaml"), String.join("\n",
                "bind: 127.0.0.1",
                "port: " + port,
                tokens.substring(0, tokens.length() - 2) + "}",
                "expectations: [" + ROOT.resolve("expectations/examples/lab.yaml") + "]",
                "heartbeatInterval: 1s",
                "leaderElection: {leaseDuration: 4s, renewDeadline: 3s, retryPeriod: 500ms}",
                "store: {url: '" + pg.url() + "', user: " + pg.user() + "}",
                ""));
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "coordinator", "--config", config.toString(), "--kubeconfig", kubeconfig.toString(),
                "--webhook", hooks.url()))
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("POD_NAME", name);
        pb.environment().put(WebhookConfig.SECRET_ENV, "s3cret");
        processes.add(pb.start());
        return "http://127.0.0.1:" + port;
    }

    /** Nine lab agents on {@code net} that talk to {@code url} (retrying while it stands by). */
    private void fleet(String url, String net) throws IOException {
        for (AgentIdentity id : LabFleet.agents(9, net)) {
            AgentRuntime runtime = LabCommand.nettyAgent(id);
            agents.add(runtime::close);
            ControlLoop loop = new ControlLoop(id, new ControlSettings(URI.create(url), LabFleet.token(id.cluster()),
                    Files.createDirectories(dir.resolve("spool-" + net).resolve(id.agentId())), 10_000,
                    Duration.ofMillis(500), Duration.ofSeconds(5)), Json.mapper(), runtime.runner(), runtime.selfChecker(),
                    ControlLoop.newScheduler(id.agentId()), Clock.systemUTC());
            agents.add(0, loop);
            loop.start();
        }
    }

    private static ProofRecord record(TestPostgres pg) throws Exception {
        try (JdbcStore store = JdbcStore.open(pg.settings())) {
            return store.read(new ReportQuery(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(60),
                    Optional.empty(), Optional.empty()));
        }
    }

    /** The addresses of the lab agents of {@code app} on both fleets. */
    private static String addresses(String app) {
        return NETS.stream().flatMap(net -> LabFleet.agents(9, net).stream())
                .filter(id -> app.equals(id.podLabels().get("app"))).map(id -> id.addresses().get(0))
                .collect(java.util.stream.Collectors.joining(", ", "{ ", " }"));
    }

    /** The fix: the host drops frontend -> payments 7001/TCP (every other cell of the lab stays as it was). */
    private static void denyFrontendToPayments() {
        Shell.run("table inet " + FIX_TABLE + " {\n chain output {\n  type filter hook output priority 0; policy accept;\n"
                + "  ip saddr " + addresses("frontend") + " ip daddr " + addresses("payments") + " tcp dport 7001 drop\n"
                + " }\n}\n", "nft", "-f", "-");
    }

    @Test
    void theOtherCoordinatorContinuesTheOpenEpisodeAfterTheLeaderIsKilledAndResolvesIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Shell.whyNoDataplane().isEmpty(),
                () -> "the fix is an nftables rule: " + Shell.whyNoDataplane().orElse(""));
        try (TestPostgres pg = TestPostgres.start(); HookReceiver hooks = HookReceiver.start()) {
            Path kubeconfig = CoordinatorRollbackIT.kubeconfig(dir, client, "reachproof");
            String a = start("coordinator-a", kubeconfig, pg, hooks);
            await().atMost(60, SECONDS).pollInterval(Duration.ofMillis(250)).until(() -> CoordinatorLeaderElectionIT.ready(a) == 200);
            String b = start("coordinator-b", kubeconfig, pg, hooks);
            await().atMost(60, SECONDS).pollInterval(Duration.ofMillis(250)).until(() -> CoordinatorLeaderElectionIT.ready(b) == 503);
            fleet(a, NETS.get(0));
            fleet(b, NETS.get(1));

            await().atMost(60, SECONDS).until(() -> !hooks.bodies("opened").isEmpty());
            String key = Json.mapper().readTree(hooks.bodies("opened").get(0)).get("idempotencyKey").asText();
            await().atMost(30, SECONDS).until(() -> record(pg).episodes().size() == 1);

            processes.get(0).destroyForcibly().waitFor(10, SECONDS);
            Instant killed = Instant.now();
            await().atMost(20, SECONDS).pollInterval(Duration.ofMillis(100)).until(() -> CoordinatorLeaderElectionIT.ready(b) == 200);
            await().atMost(60, SECONDS).until(() -> record(pg).rounds().stream()
                    .filter(r -> Instant.parse(r.startedAt()).isAfter(killed)).count() >= 5);

            assertThat(hooks.bodies("opened")).as("no second episode after the failover").hasSize(1);
            assertThat(hooks.bodies("resolved")).as("the hole is still there").isEmpty();
            ProofRecord after = record(pg);
            assertThat(after.episodes()).singleElement().satisfies(e -> {
                assertThat(e.idempotencyKey()).isEqualTo(key);
                assertThat(e.resolvedAt()).isNull();
            });
            List<String> ids = after.rounds().stream().map(ProofRecord.Round::roundId).toList();
            assertThat(new HashSet<>(ids)).as("no round recorded twice").hasSameSizeAs(ids);
            assertThat(Files.readString(dir.resolve("coordinator-b.log"))).contains("continuing episode");

            denyFrontendToPayments();
            await().atMost(60, SECONDS).until(() -> !hooks.bodies("resolved").isEmpty());
            String episode = Json.mapper().readTree(hooks.bodies("opened").get(0)).get("episode").asText();
            assertThat(hooks.bodies("resolved")).as("the first leader's episode, resolved once by the second")
                    .singleElement().satisfies(body -> {
                        assertThat(Json.mapper().readTree(body).get("episode").asText()).isEqualTo(episode);
                        assertThat(Json.mapper().readTree(body).get("idempotencyKey").asText()).isNotEqualTo(key);
                    });
            assertThat(hooks.bodies("opened")).as("the fix opens nothing").hasSize(1);
            await().atMost(30, SECONDS).until(() -> record(pg).episodes().get(0).resolvedAt() != null);
            assertThat(record(pg).episodes()).singleElement().satisfies(e -> assertThat(e.idempotencyKey()).isEqualTo(key));
        }
    }
}
