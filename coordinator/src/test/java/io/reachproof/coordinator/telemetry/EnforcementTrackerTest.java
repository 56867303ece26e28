package io.reachproof.coordinator.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.RoundReport;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnforcementTrackerTest {

    private static final long T0 = 1_790_000_000_000L;

    private final EnforcementTracker tracker = new EnforcementTracker();

    @Test
    void measuresFromTheChangeUntilTheFirstCleanRoundAfterIt() {
        PolicyChange change = LabReports.change("deny-frontend", T0);

        assertThat(tracker.onRound(LabReports.round("r1", T0 + 2_000, true, change))).isEmpty();
        assertThat(tracker.onRound(LabReports.round("r2", T0 + 7_000, true, change))).isEmpty();
        // finishes 1.25 s after it started
        assertThat(tracker.onRound(LabReports.round("r3", T0 + 12_000, false, change)))
                .contains(Duration.ofMillis(13_250));
    }

    @Test
    void eachChangeIsMeasuredOnce() {
        PolicyChange change = LabReports.change("deny-frontend", T0);
        tracker.onRound(LabReports.round("r1", T0 + 1_000, false, change));

        assertThat(tracker.onRound(LabReports.round("r2", T0 + 6_000, false, change))).isEmpty();
        assertThat(tracker.onRound(LabReports.round("r3", T0 + 11_000, false, null))).isEmpty();
    }

    @Test
    void aChangeEnforcedAtOnceMeasuresItsFirstRound() {
        PolicyChange change = LabReports.change("deny-frontend", T0);

        assertThat(tracker.onRound(LabReports.round("r1", T0 + 500, false, change)))
                .contains(Duration.ofMillis(1_750));
    }

    @Test
    void aRoundThatStartedBeforeTheChangeProvesNothing() {
        PolicyChange change = LabReports.change("deny-frontend", T0);

        assertThat(tracker.onRound(LabReports.round("r1", T0 - 1_000, false, change))).isEmpty();
        assertThat(tracker.onRound(LabReports.round("r2", T0 + 4_000, false, null)))
                .contains(Duration.ofMillis(5_250));
    }

    @Test
    void anIncompleteRoundProvesNothing() {
        PolicyChange change = LabReports.change("deny-frontend", T0);
        RoundReport clean = LabReports.round("r1", T0 + 1_000, false, change);
        RoundReport cutShort = new RoundReport(clean.roundId(), clean.expectation(), clean.startedAtEpochMillis(),
                clean.finishedAtEpochMillis(), false, null, clean.cells(), clean.mismatches(), clean.coverage(),
                clean.groupPairs(), clean.clusterPairs(), clean.agentsByState(), change);

        assertThat(tracker.onRound(cutShort)).isEmpty();
    }

    @Test
    void aNewerChangeRestartsTheClock() {
        tracker.onRound(LabReports.round("r1", T0 + 1_000, true, LabReports.change("a", T0)));
        PolicyChange newer = LabReports.change("b", T0 + 20_000);
        tracker.onRound(LabReports.round("r2", T0 + 21_000, true, newer));

        Optional<Duration> measured = tracker.onRound(LabReports.round("r3", T0 + 26_000, false, newer));

        assertThat(measured).contains(Duration.ofMillis(7_250));
    }

    @Test
    void setsAreTrackedApart() {
        PolicyChange change = LabReports.change("a", T0);
        tracker.onRound(LabReports.round("r1", T0 + 1_000, true, change));
        RoundReport other = LabReports.round("o1", T0 + 2_000, false, null);
        RoundReport otherSet = new RoundReport(other.roundId(), "other", other.startedAtEpochMillis(),
                other.finishedAtEpochMillis(), true, null, other.cells(), other.mismatches(), other.coverage(),
                other.groupPairs(), other.clusterPairs(), other.agentsByState(), null);

        assertThat(tracker.onRound(otherSet)).isEmpty();
        assertThat(tracker.onRound(LabReports.round("r2", T0 + 6_000, false, null))).contains(Duration.ofMillis(7_250));
    }
}
