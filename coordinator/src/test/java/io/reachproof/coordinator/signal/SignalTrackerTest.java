package io.reachproof.coordinator.signal;

import static io.reachproof.coordinator.testing.RoundReports.DENY;
import static io.reachproof.coordinator.testing.RoundReports.round;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.coordinator.signal.SignalTracker.Confirmations;
import io.reachproof.coordinator.testing.RoundReports;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.RoundReport;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignalTrackerTest {

    private final SignalTracker tracker = new SignalTracker(Confirmations.DEFAULT);

    private static RoundReport clean(String id) {
        return round("lab", id, 1000).ok("frontend", "checkout", 7001).denied("frontend", "payments", 7001).build();
    }

    private static RoundReport withHole(String id) {
        return round("lab", id, 1000).traceId("trace-" + id).ok("frontend", "checkout", 7001)
                .hole("frontend", "payments", 7001).build();
    }

    @Test
    void cleanRoundsSignalNothing() {
        assertThat(tracker.observe(clean("r1"))).isEmpty();
        assertThat(tracker.observe(clean("r2"))).isEmpty();
    }

    @Test
    void oneHoleInOneCompleteRoundOpensASignalWithTheRoundsTraceAndTheCell() {
        RollbackSignal signal = tracker.observe(withHole("r1")).orElseThrow();

        assertThat(signal.event()).isEqualTo(SignalEvent.OPENED);
        assertThat(signal.firing()).isTrue();
        assertThat(signal.expectation()).isEqualTo("lab");
        assertThat(signal.roundId()).isEqualTo("r1");
        assertThat(signal.episode()).isEqualTo("r1");
        assertThat(signal.traceId()).isEqualTo("trace-r1");
        assertThat(signal.mismatches()).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(MismatchKind.HOLE);
            assertThat(m.cell().rule()).isEqualTo("lab.yaml:32");
            assertThat(m.cell().from().pod()).isEqualTo("frontend-aws-lab-0");
            assertThat(m.cell().to().pod()).isEqualTo("payments-gcp-lab-0");
        });
        assertThat(signal.idempotencyKey()).matches("rp1-[0-9a-f]{32}");
    }

    @Test
    void theSameSetInLaterRoundsSignalsNothingMoreEvenFromOtherPods() {
        tracker.observe(withHole("r1"));

        RoundReport otherPods = round("lab", "r2", 2000).agents(3).hole("frontend", "payments", 7001).build();

        assertThat(tracker.observe(otherPods)).isEmpty();
        assertThat(tracker.observe(withHole("r3"))).isEmpty();
    }

    @Test
    void blockedNeedsTwoConsecutiveCompleteRounds() {
        RoundReport blocked1 = round("lab", "r1", 1000).blocked("frontend", "checkout", 7001).build();
        RoundReport blocked2 = round("lab", "r2", 2000).blocked("frontend", "checkout", 7001).build();

        assertThat(tracker.observe(blocked1)).isEmpty();
        RollbackSignal signal = tracker.observe(blocked2).orElseThrow();

        assertThat(signal.event()).isEqualTo(SignalEvent.OPENED);
        assertThat(signal.episode()).isEqualTo("r2");
        assertThat(signal.mismatches()).extracting(Mismatch::kind).containsExactly(MismatchKind.BLOCKED);
    }

    @Test
    void aBlockedThatIsProvenAllowedInBetweenStartsItsCountAgain() {
        tracker.observe(round("lab", "r1", 1000).blocked("frontend", "checkout", 7001).build());
        tracker.observe(round("lab", "r2", 2000).ok("frontend", "checkout", 7001).build());

        assertThat(tracker.observe(round("lab", "r3", 3000).blocked("frontend", "checkout", 7001).build())).isEmpty();
        assertThat(tracker.observe(round("lab", "r4", 4000).blocked("frontend", "checkout", 7001).build()))
                .get().extracting(RollbackSignal::event).isEqualTo(SignalEvent.OPENED);
    }

    @Test
    void anInconclusiveRoundNeitherCountsNorBreaksABlockedStreak() {
        tracker.observe(round("lab", "r1", 1000).blocked("frontend", "checkout", 7001).build());

        assertThat(tracker.observe(round("lab", "r2", 2000).inconclusive("frontend", "checkout", 7001, "allow").build()))
                .isEmpty();
        assertThat(tracker.observe(round("lab", "r3", 3000).blocked("frontend", "checkout", 7001).build()))
                .get().extracting(RollbackSignal::event).isEqualTo(SignalEvent.OPENED);
    }

    @Test
    void confirmationsAreConfigurable() {
        SignalTracker strict = new SignalTracker(new Confirmations(2, 3));

        assertThat(strict.observe(withHole("r1"))).isEmpty();
        assertThat(strict.observe(withHole("r2"))).get().extracting(RollbackSignal::event)
                .isEqualTo(SignalEvent.OPENED);
    }

    @Test
    void confirmationsBelowOneAreRejectedByName() {
        assertThatThrownBy(() -> new Confirmations(0, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hole confirmations must be at least 1: 0");
        assertThatThrownBy(() -> new Confirmations(1, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("blocked confirmations must be at least 1: -1");
    }

    @Test
    void incompleteRoundsAreIgnored() {
        RoundReport cutShort = round("lab", "r1", 1000).incomplete().hole("frontend", "payments", 7001).build();

        assertThat(tracker.observe(cutShort)).isEmpty();
        assertThat(tracker.firing("lab")).isEmpty();
    }

    @Test
    void aNewMismatchChangesTheSetAndIsSentAgainWithANewKey() {
        RollbackSignal opened = tracker.observe(withHole("r1")).orElseThrow();

        RoundReport twoHoles = round("lab", "r2", 2000).hole("frontend", "payments", 7001)
                .hole("checkout", "payments", 7003).build();
        RollbackSignal changed = tracker.observe(twoHoles).orElseThrow();

        assertThat(changed.event()).isEqualTo(SignalEvent.CHANGED);
        assertThat(changed.episode()).isEqualTo("r1");
        assertThat(changed.roundId()).isEqualTo("r2");
        assertThat(changed.mismatches()).hasSize(2);
        assertThat(changed.idempotencyKey()).isNotEqualTo(opened.idempotencyKey());
        assertThat(tracker.firing("lab")).containsExactly(
                "HOLE checkout -> payments 7003/TCP (aws-lab -> gcp-lab)",
                "HOLE frontend -> payments 7001/TCP (aws-lab -> gcp-lab)");
    }

    @Test
    void resolvedFollowsWhenEveryCellIsProvenAsExpectedAndCarriesTheClearedSet() {
        RollbackSignal opened = tracker.observe(withHole("r1")).orElseThrow();

        RollbackSignal resolved = tracker.observe(clean("r2")).orElseThrow();

        assertThat(resolved.event()).isEqualTo(SignalEvent.RESOLVED);
        assertThat(resolved.firing()).isFalse();
        assertThat(resolved.episode()).isEqualTo("r1");
        assertThat(resolved.roundId()).isEqualTo("r2");
        assertThat(resolved.mismatches()).isEqualTo(opened.mismatches());
        assertThat(resolved.idempotencyKey()).isNotEqualTo(opened.idempotencyKey());
        assertThat(tracker.observe(clean("r3"))).isEmpty();
    }

    @Test
    void anInconclusiveCellKeepsItsMismatchFiring() {
        tracker.observe(withHole("r1"));

        RoundReport targetLost = round("lab", "r2", 2000).ok("frontend", "checkout", 7001)
                .inconclusive("frontend", "payments", 7001, DENY).build();

        assertThat(tracker.observe(targetLost)).isEmpty();
        assertThat(tracker.firing("lab")).containsExactly("HOLE frontend -> payments 7001/TCP (aws-lab -> gcp-lab)");
    }

    @Test
    void aCellTheRoundNoLongerPlansResolves() {
        tracker.observe(withHole("r1"));

        RoundReport ruleRemoved = round("lab", "r2", 2000).ok("frontend", "checkout", 7001).build();

        assertThat(tracker.observe(ruleRemoved)).get().extracting(RollbackSignal::event)
                .isEqualTo(SignalEvent.RESOLVED);
    }

    @Test
    void theSameSetInTheSameEpisodeHasAStableKeyAcrossTrackers() {
        SignalTracker other = new SignalTracker(Confirmations.DEFAULT);

        String a = tracker.observe(withHole("r1")).orElseThrow().idempotencyKey();
        String b = other.observe(round("lab", "r1", 1000).agents(5).hole("frontend", "payments", 7001).build())
                .orElseThrow().idempotencyKey();

        assertThat(a).isEqualTo(b);
    }

    @Test
    void aHoleThatComesBackAfterAFixOpensANewEpisodeWithANewKey() {
        RollbackSignal first = tracker.observe(withHole("r1")).orElseThrow();
        tracker.observe(clean("r2"));

        RollbackSignal again = tracker.observe(withHole("r3")).orElseThrow();

        assertThat(again.event()).isEqualTo(SignalEvent.OPENED);
        assertThat(again.episode()).isEqualTo("r3");
        assertThat(again.idempotencyKey()).isNotEqualTo(first.idempotencyKey());
    }

    @Test
    void expectationsAreTrackedSeparately() {
        tracker.observe(withHole("r1"));

        Optional<RollbackSignal> other = tracker.observe(round("shop", "s1", 1000).ok("frontend", "checkout", 7001)
                .build());

        assertThat(other).isEmpty();
        assertThat(tracker.firing("lab")).hasSize(1);
        assertThat(tracker.firing("shop")).isEmpty();
    }

    @Test
    void theSuspectChangeOfTheRoundTravelsWithTheSignal() {
        RoundReport report = round("lab", "r1", 1000).suspect(RoundReports.change("payments", "allow-shop"))
                .hole("frontend", "payments", 7001).build();

        RollbackSignal signal = tracker.observe(report).orElseThrow();

        assertThat(signal.suspectChange()).isNotNull();
        assertThat(signal.suspectChange().name()).isEqualTo("allow-shop");
    }

    @Test
    void aChangeInAClusterNoneOfTheSignalsMismatchesTouchesIsNotItsSuspect() {
        RoundReport built = round("lab", "r1", 1000).suspect(RoundReports.change("payments", "allow-shop"))
                .hole("frontend", "payments", 7001).build();
        // the evaluator gives each mismatch the change of its own clusters: here none
        RoundReport report = new RoundReport(built.roundId(), built.expectation(), built.startedAtEpochMillis(),
                built.finishedAtEpochMillis(), built.complete(), built.traceId(), built.cells(),
                built.mismatches().stream().map(m -> new Mismatch(m.cell(), null)).toList(),
                built.coverage(), built.groupPairs(), built.clusterPairs(), built.agentsByState(),
                built.suspectChange());

        RollbackSignal signal = tracker.observe(report).orElseThrow();

        assertThat(report.suspectChange()).isNotNull();
        assertThat(signal.suspectChange()).isNull();
    }
}
