package io.reachproof.coordinator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.reachproof.coordinator.assembly.Coordinator;
import io.reachproof.coordinator.assembly.CoordinatorSettings;
import io.reachproof.coordinator.LabExpectation;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.ProtocolV1;
import io.reachproof.protocol.RoundReport;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real coordinators on loopback, their leadership decided by Lease election against the mock API server. */
@EnableKubernetesMockClient(crud = true)
class CoordinatorLeadershipTest {

    KubernetesClient client;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private record Replica(Coordinator coordinator, List<RoundReport> heard, LeaderElection election) {
    }

    /** A started coordinator proving "lab" every {@code interval}, standing by, whose listener adds to {@code heard}. */
    private Coordinator standby(CoordinatorSettings settings, Duration interval, List<RoundReport> heard) throws Exception {
        Coordinator c = new Coordinator(settings, List.of(LabExpectation.loaded("lab", interval)), Clock.systemUTC());
        open.add(c);
        c.addListener(report -> {
            heard.add(report);
            return report;
        });
        c.leading(false);
        c.start();
        return c;
    }

    /** A scheduled coordinator (a round of "lab" every second) that stands by until the election says it leads. */
    private Replica replica(String identity) throws Exception {
        List<RoundReport> heard = new CopyOnWriteArrayList<>();
        Coordinator c = standby(CoordinatorSettings.defaults(0, LabFleet.tokens()), Duration.ofSeconds(1), heard);
        LeaderElection e = LeaderElection.start(client, LeaderElectionTest.FAST, identity, c::leading);
        open.add(e);
        return new Replica(c, heard, e);
    }

    private HttpResponse<String> call(Coordinator c, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(c.url().resolve(path))
                .header("Authorization", "Bearer " + LabFleet.tokens().values().iterator().next())
                .header(ProtocolV1.AGENT_KEY_HEADER, "leadership-test-agent-key-0123456789abcdef")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void onlyTheLeaderIsReadySchedulesRoundsAndAnswersAgents() throws Exception {
        Replica a = replica("coordinator-a");
        Replica b = replica("coordinator-b");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.coordinator().leader() || b.coordinator().leader());
        Replica leader = a.coordinator().leader() ? a : b;
        Replica standby = leader == a ? b : a;

        await().atMost(Duration.ofSeconds(10)).until(() -> leader.heard().size() >= 2);

        assertThat(leader.coordinator().scheduling()).isTrue();
        assertThat(standby.coordinator().scheduling()).isFalse();
        assertThat(standby.heard()).isEmpty();
        assertThat(call(leader.coordinator(), "GET", Coordinator.READY_PATH, null).statusCode()).isEqualTo(200);
        HttpResponse<String> notReady = call(standby.coordinator(), "GET", Coordinator.READY_PATH, null);
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.headers().firstValue("Retry-After")).contains("5");
        HttpResponse<String> register = call(standby.coordinator(), "POST", ProtocolV1.REGISTER, "{}");
        assertThat(register.statusCode()).isEqualTo(503);
        assertThat(register.headers().firstValue("Retry-After")).contains("5");
        assertThat(register.body()).isEqualTo(
                "{\"status\":503,\"error\":\"this coordinator is a standby; the leader answers (retry)\"}");
        assertThat(call(standby.coordinator(), "POST", ProtocolV1.ROUNDS + "?expectation=lab", null).statusCode())
                .isEqualTo(503);
        // the read-only status stays available on the standby
        assertThat(call(standby.coordinator(), "GET", ProtocolV1.AGENTS, null).statusCode()).isEqualTo(200);
        // an agent call that reaches the leader is answered (here: refused as bad JSON, not as a standby)
        assertThat(call(leader.coordinator(), "POST", ProtocolV1.REGISTER, "{}").statusCode()).isEqualTo(400);
    }

    @Test
    void whenTheLeaderStopsTheStandbyTakesOverItsRounds() throws Exception {
        Replica a = replica("coordinator-a");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.coordinator().leader());
        Replica b = replica("coordinator-b");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.heard().size() >= 1);

        a.election().close();

        // losing leadership holds the schedule at once, not at the next round
        assertThat(a.coordinator().leader()).isFalse();
        assertThat(a.coordinator().scheduling()).isFalse();
        await().atMost(LeaderElectionTest.LEASE).until(() -> b.coordinator().leader());
        await().atMost(Duration.ofSeconds(10)).until(() -> b.heard().size() >= 2);
        assertThat(call(b.coordinator(), "GET", Coordinator.READY_PATH, null).statusCode()).isEqualTo(200);
        assertThat(call(a.coordinator(), "GET", Coordinator.READY_PATH, null).statusCode()).isEqualTo(503);
    }

    @Test
    void aStandbyLeavesPolicyChangesToTheLeader() throws Exception {
        List<RoundReport> heard = new CopyOnWriteArrayList<>();
        Coordinator c = standby(CoordinatorSettings.defaults(0, LabFleet.tokens()).withScheduled(false),
                Duration.ofSeconds(5), heard);
        PolicyChange change = new PolicyChange("aws-lab", "payments", "allow-shop", "uid-1", "7", "MODIFIED", 0);

        c.policyChanged(change);

        assertThat(c.roundService().suspect("lab")).isEmpty();
        c.leading(true);
        c.policyChanged(change);
        assertThat(c.roundService().suspect("lab")).contains(change);
        await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
    }
}
