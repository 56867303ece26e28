package io.reachproof.coordinator.store;

import static io.reachproof.coordinator.testing.RoundReports.change;
import static io.reachproof.coordinator.testing.RoundReports.round;
import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.coordinator.rollback.RollbackSignals;
import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.coordinator.signal.SignalEvent;
import io.reachproof.coordinator.signal.SignalTracker;
import io.reachproof.protocol.RoundReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leader opens a HOLE episode and dies; a new leader reads the open episode from the proof record (a real H2 file)
 * and continues it: the hole seen again sends nothing new, the fix sends one {@code resolved} with the episode's id,
 * exactly the key the old leader would have sent.
 */
class EpisodeContinuityTest {

    @TempDir
    Path dir;

    static RoundReport holed(String id, long at) {
        return round("shop", id, at).suspect(change("shop", "allow-all")).ok("frontend", "payments", 8443)
                .hole("frontend", "db", 5432).build();
    }

    static RoundReport fixed(String id, long at) {
        return round("shop", id, at).ok("frontend", "payments", 8443).denied("frontend", "db", 5432).build();
    }

    @Test
    void aNewLeaderContinuesTheOpenEpisodeWithItsKeysAndResolvesIt() throws Exception {
        List<RollbackSignal> oldLeader = new ArrayList<>();
        List<RollbackSignal> newLeader = new ArrayList<>();
        List<RollbackSignal> unbroken = new ArrayList<>();
        try (JdbcStore store = JdbcStore.open(StoreSettings.h2In(dir))) {
            RollbackSignals first = new RollbackSignals(new SignalTracker(SignalTracker.Confirmations.DEFAULT), s -> {
                oldLeader.add(s);
                store.recordSignal(s);
            });
            RollbackSignals reference = new RollbackSignals(new SignalTracker(SignalTracker.Confirmations.DEFAULT), unbroken::add);
            first.onRound(holed("shop-1-old", 1_000));
            reference.onRound(holed("shop-1-old", 1_000));
            // the old leader dies here

            RollbackSignals second = new RollbackSignals(new SignalTracker(SignalTracker.Confirmations.DEFAULT), newLeader::add);
            assertThat(second.resume(store.openEpisodes())).isEqualTo(1);
            second.onRound(holed("shop-1-new", 31_000));
            second.onRound(fixed("shop-2-new", 61_000));
            reference.onRound(holed("shop-1-new", 31_000));
            reference.onRound(fixed("shop-2-new", 61_000));
        }

        assertThat(oldLeader).singleElement().satisfies(s -> assertThat(s.event()).isEqualTo(SignalEvent.OPENED));
        assertThat(newLeader).singleElement().satisfies(s -> {
            assertThat(s.event()).isEqualTo(SignalEvent.RESOLVED);
            assertThat(s.episode()).isEqualTo(oldLeader.get(0).episode());
            assertThat(s.openedAtEpochMillis()).isEqualTo(oldLeader.get(0).openedAtEpochMillis());
            assertThat(s.suspectChange()).isEqualTo(oldLeader.get(0).suspectChange());
        });
        assertThat(newLeader.get(0).idempotencyKey()).isEqualTo(unbroken.get(1).idempotencyKey());
    }

    @Test
    void aRoundWhileTheAgentsRegisterAgainDoesNotResolveAContinuedEpisode() throws Exception {
        List<RollbackSignal> newLeader = new ArrayList<>();
        try (JdbcStore store = JdbcStore.open(StoreSettings.h2In(dir))) {
            new RollbackSignals(new SignalTracker(SignalTracker.Confirmations.DEFAULT), store::recordSignal)
                    .onRound(holed("shop-1-old", 1_000));

            RollbackSignals second = new RollbackSignals(new SignalTracker(SignalTracker.Confirmations.DEFAULT), newLeader::add);
            second.resume(store.openEpisodes());
            // only the payments agents are back: the frontend -> db cell is not planned in this round
            second.onRound(round("shop", "shop-1-new", 31_000).ok("frontend", "payments", 8443).build());
            assertThat(newLeader).isEmpty();
            second.onRound(fixed("shop-2-new", 61_000));
        }
        assertThat(newLeader).singleElement().satisfies(s -> assertThat(s.event()).isEqualTo(SignalEvent.RESOLVED));
    }

    @Test
    void aResolvedEpisodeIsNotContinued() throws Exception {
        try (JdbcStore store = JdbcStore.open(StoreSettings.h2In(dir))) {
            RollbackSignals first = new RollbackSignals(new SignalTracker(SignalTracker.Confirmations.DEFAULT), store::recordSignal);
            first.onRound(holed("shop-1-old", 1_000));
            first.onRound(fixed("shop-2-old", 31_000));

            RollbackSignals second = new RollbackSignals(new SignalTracker(SignalTracker.Confirmations.DEFAULT), s -> { });
            assertThat(second.resume(store.openEpisodes())).isZero();
        }
    }
}
