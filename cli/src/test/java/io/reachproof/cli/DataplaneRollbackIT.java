package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.reachproof.coordinator.kube.KubernetesClients;
import io.reachproof.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollback as an action on a dataplane that really enforces: {@code lab --dataplane --rollback apply}. A policy that
 * opens payments to every namespace (a HOLE on the wire: the frontend connects) is deleted by the coordinator, as the
 * last proven set did not have it, and the next round proves the deny again; the same change applied again is not
 * rolled back twice; {@code reachproof rollback} lists the proven versions, prints what a dry run would write without
 * writing it, and restores by hand.
 */
class DataplaneRollbackIT {

    @TempDir
    Path dir;

    private String prefix;

    @BeforeEach
    void needsADataplane() {
        prefix = DataplaneLabIT.labPrefix("rpr");
    }

    /** A policy of namespace payments letting every namespace in: breaks the expected deny frontend -> payments. */
    static NetworkPolicy opening(String name) {
        return new NetworkPolicyBuilder().withNewMetadata().withName(name).withNamespace("payments").endMetadata()
                .withNewSpec().withNewPodSelector().endPodSelector().addNewIngress().addNewFrom().withNewNamespaceSelector()
                .endNamespaceSelector().endFrom().endIngress().endSpec().build();
    }

    /** The newest round of set {@code small}, or null while there is none. */
    static JsonNode latest(HttpClient http, int port) throws Exception {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v1/rounds/latest?expectation=small")).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Json.mapper().readTree(r.body()) : null;
        } catch (IOException notYet) {
            return null;
        }
    }

    /** Whether {@code round} proves every cell and has no mismatch. */
    static boolean clean(JsonNode round) {
        return round != null && round.get("mismatches").isEmpty() && round.get("coverage").asDouble() == 1.0;
    }

    static CompletableFuture<Integer> startLab(LabCommand lab, CliRun cli, Path dir, String prefix, int port)
            throws IOException {
        Path topology = Files.writeString(dir.resolve("topology.yaml"), DataplaneLabIT.TOPOLOGY);
        Path expectations = Files.writeString(dir.resolve("small.yaml"), DataplaneLabIT.EXPECTATIONS);
        Path policies = Files.writeString(dir.resolve("deny.yaml"), DataplaneLabIT.DENY);
        Path clusters = Files.writeString(dir.resolve("clusters.yaml"), DataplaneLabIT.NO_LAG_CLUSTERS);
        var cmd = cli.wrap(lab);
        return CompletableFuture.supplyAsync(() -> cmd.execute("--dataplane", "--netns-prefix", prefix, "--lab-dir",
                dir.toString(), "--port", String.valueOf(port), "--nodes", "1", "--duration", "5m", "--topology",
                topology.toString(), "--expectations", expectations.toString(), "--policies", policies.toString(),
                "--clusters", clusters.toString(), "--rollback", "apply"));
    }

    private static Event event(KubernetesClient client, String reason) {
        return client.events().v1().events().inNamespace("payments").list().getItems().stream()
                .filter(e -> reason.equals(e.getReason())).findFirst().orElse(null);
    }

    @Test
    void aBreakingChangeIsRolledBackAndTheNextRoundProvesTheDenyAgain() throws Exception {
        int port = DataplaneLabIT.freePort();
        CliRun labCli = new CliRun();
        LabCommand lab = new LabCommand();
        CompletableFuture<Integer> exit = startLab(lab, labCli, dir, prefix, port);
        String coordinator = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> clean(latest(http, port)));
        } catch (RuntimeException e) {
            lab.stop.countDown();
            throw new AssertionError("no clean round: " + labCli.err(), e);
        }
        try (KubernetesClient gcp = KubernetesClients.connect(dir.resolve("gcp-lab.kubeconfig"), null)) {
            CliRun list = new CliRun();
            await().atMost(Duration.ofSeconds(30)).until(() -> list.run("rollback", "--coordinator", coordinator,
                    "--cluster", "gcp-lab", "--list") == 0 && list.out().contains("pv-"));
            assertThat(list.out()).contains("proven policy versions of gcp-lab", "1 NetworkPolicies");

            var policies = gcp.network().v1().networkPolicies().inNamespace("payments");
            long changedAt = System.currentTimeMillis();
            policies.resource(opening("payments-open")).create();

            Event rolledBack = await().atMost(Duration.ofSeconds(60)).until(() -> event(gcp, "RolledBack"), e -> e != null);
            assertThat(rolledBack.getRegarding().getName()).isEqualTo("payments-open");
            assertThat(rolledBack.getNote()).contains("delete networkpolicy payments/payments-open");
            assertThat(policies.withName("payments-open").get()).as("deleted: the proven set did not have it").isNull();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                JsonNode r = latest(http, port);
                return clean(r) && r.get("startedAtEpochMillis").asLong() > changedAt;
            });

            // applied again (a pipeline re-running): not rolled back twice, and said so
            policies.resource(opening("payments-open")).create();
            Event notAgain = await().atMost(Duration.ofSeconds(60)).until(() -> event(gcp, "RollbackNotAgain"), e -> e != null);
            assertThat(notAgain.getNote()).contains("not rolled back again");
            assertThat(policies.withName("payments-open").get()).isNotNull();

            // by hand: a dry run writes nothing and prints the exact action; then a rollback restores
            CliRun dry = new CliRun();
            assertThat(dry.run("rollback", "--coordinator", coordinator, "--cluster", "gcp-lab", "--dry-run"))
                    .as(dry.err()).isZero();
            assertThat(dry.out()).contains("rollback in gcp-lab: dry-run", "delete networkpolicy payments/payments-open");
            assertThat(policies.withName("payments-open").get()).as("a dry run writes nothing").isNotNull();
            CliRun apply = new CliRun();
            assertThat(apply.run("rollback", "--coordinator", coordinator, "--cluster", "gcp-lab", "--to", "last-proven"))
                    .as(apply.err()).isZero();
            assertThat(apply.out()).contains("rollback in gcp-lab: applied");
            assertThat(policies.withName("payments-open").get()).isNull();

            CliRun unknown = new CliRun();
            assertThat(unknown.run("rollback", "--coordinator", coordinator, "--cluster", "nowhere")).isEqualTo(Main.EXIT_USAGE);
            assertThat(unknown.err()).contains("cluster nowhere has no rollback");
        } finally {
            lab.stop.countDown();
            assertThat(exit.get(60, TimeUnit.SECONDS)).as(labCli.err()).isEqualTo(Main.EXIT_OK);
        }
    }
}
