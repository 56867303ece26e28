package io.reachproof.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.coordinator.round.InMemoryRoundHistory;
import io.reachproof.coordinator.signal.Episodes;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RoundEventsTest {

    private final InMemoryRoundHistory history = new InMemoryRoundHistory(Set.of("lab", "other"), 8);
    private final RoundEvents events = new RoundEvents(Json.mapper(), history, Duration.ofMinutes(5), 2);

    static RoundReport report(String expectation, String roundId, ObservedVerdict observed) {
        EndpointRef a = new EndpointRef("frontend-0", "aws-lab", "aws", "us-east-1", "n", "shop", "frontend-0", "127.0.0.1");
        EndpointRef b = new EndpointRef("payments-6", "gcp-lab", "gcp", "europe-west1", "n", "payments", "payments-6",
                "127.0.0.7");
        CellResult c = new CellResult("frontend", a, "payments", b, 7001, Protocol.TCP, Verdict.DENY, observed, null,
                observed == ObservedVerdict.ALLOW ? Outcome.CONNECTED : Outcome.TIMEOUT, 1, 1500, "lab.yaml:30", null);
        List<Mismatch> mismatches = Mismatch.isMismatch(c) ? List.of(new Mismatch(c, null)) : List.of();
        return new RoundReport(roundId, expectation, 1000, 2000, true, null, List.of(c), mismatches, 1.0, List.of(),
                List.of(), Map.of("live", 2), null);
    }

    private static String body(CompletableFuture<ApiResponse> answer) {
        ApiResponse r = answer.join();
        assertThat(r.contentType()).isEqualTo("text/event-stream; charset=utf-8");
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aClientWaitingFromNowIsAnsweredWithTheNextRoundAndItsId() {
        String start = events.currentId();
        CompletableFuture<ApiResponse> waiting = events.next(Optional.of(start)).toCompletableFuture();
        assertThat(waiting).isNotDone();

        events.onRound(report("lab", "lab-1", ObservedVerdict.ALLOW));

        String body = body(waiting);
        assertThat(body).startsWith("retry: 500\n\nid: " + events.currentId() + "\nevent: round\ndata: {")
                .contains("\"roundId\":\"lab-1\"", "\"holes\":1").endsWith("}\n\n");
        assertThat(events.currentId()).endsWith("-1");
    }

    @Test
    void aClientBehindGetsEverySetsNewestRoundSinceItsIdAtOnce() {
        String start = events.currentId();
        events.onRound(report("lab", "lab-1", ObservedVerdict.ALLOW));
        events.onRound(report("other", "other-1", ObservedVerdict.DENY));
        events.onRound(report("lab", "lab-2", ObservedVerdict.DENY));

        String body = body(events.next(Optional.of(start)).toCompletableFuture());

        assertThat(body).contains("\"roundId\":\"other-1\"", "\"roundId\":\"lab-2\"").doesNotContain("lab-1");
        assertThat(body.indexOf("other-1")).isLessThan(body.indexOf("lab-2"));
    }

    @Test
    void anIdOfAnotherCoordinatorProcessGetsEverythingAndNoRoundSinceWaitsThenAnswersAComment() {
        events.onRound(report("lab", "lab-1", ObservedVerdict.ALLOW));
        assertThat(body(events.next(Optional.of("0badc0de-7")).toCompletableFuture())).contains("lab-1");

        RoundEvents shortWait = new RoundEvents(Json.mapper(), history, Duration.ofMillis(50), 2);
        String quiet = body(shortWait.next(Optional.of(shortWait.currentId())).toCompletableFuture());

        assertThat(quiet).isEqualTo("retry: 500\n\n: no round closed\n\n");
    }

    @Test
    void waitingClientsAreBoundedAndBadIdsRefused() {
        events.next(Optional.empty());
        events.next(Optional.empty());

        assertThatThrownBy(() -> events.next(Optional.empty())).isInstanceOf(ApiException.class)
                .hasMessage("too many clients wait for events (2); retry later");
        assertThatThrownBy(() -> events.next(Optional.of("seven"))).isInstanceOf(ApiException.class)
                .hasMessage("Last-Event-ID must be EPOCH-SEQUENCE: seven");
    }

    @Test
    void theViewCountsTilesGroupCellsAndTheTimeline() {
        history.add(report("lab", "lab-1", ObservedVerdict.DENY));
        RoundReport now = report("lab", "lab-2", ObservedVerdict.ALLOW);

        ReachabilityView v = ReachabilityView.of(now, history.reports("lab"));

        assertThat(v.clusters()).extracting(ReachabilityView.Cluster::cloud).containsExactly("aws", "gcp");
        assertThat(v.tiles()).containsExactly(new ReachabilityView.Tile("aws-lab", "gcp-lab",
                ReachabilityView.TileState.MISMATCH, 1, 0, 0, 1, 0));
        assertThat(v.matrix()).containsExactly(new ReachabilityView.GroupCell("frontend", "payments",
                List.of(new ReachabilityView.PortCell(7001, "TCP", 0, 1, 1, 0, 0, 1, 0))));
        assertThat(v.timeline()).extracting(ReachabilityView.TimelinePoint::roundId).containsExactly("lab-1", "lab-2");
        assertThat(ReachabilityView.matrix(now, "gcp-lab", "aws-lab")).isEmpty();
        CellDetail d = CellDetail.of(now, "frontend", "payments", "aws-lab", null, new Episodes(10));
        assertThat(d.pairs()).extracting(CellResult::rule).containsExactly("lab.yaml:30");
        assertThat(d.episodes()).as("no signal was sent").isEmpty();
    }
}
