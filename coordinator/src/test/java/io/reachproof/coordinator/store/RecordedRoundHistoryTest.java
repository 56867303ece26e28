package io.reachproof.coordinator.store;

import static io.reachproof.coordinator.store.StoreContract.T0;
import static io.reachproof.coordinator.store.StoreContract.holeRound;
import static io.reachproof.coordinator.testing.RoundReports.round;
import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.coordinator.gate.GateDecision;
import io.reachproof.coordinator.round.InMemoryRoundHistory;
import io.reachproof.protocol.RoundReport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new leader's gate answers from the rounds the proof record kept (an H2 file) until it has a round of its own. */
class RecordedRoundHistoryTest {

    @TempDir
    Path dataDir;
    private JdbcStore store;
    private final InMemoryRoundHistory own = new InMemoryRoundHistory(Set.of("shop"), 10);

    @BeforeEach
    void open() throws StoreUnavailable {
        store = JdbcStore.open(StoreSettings.h2In(dataDir));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void withoutACompleteRoundOfItsOwnTheGateDecidesFromTheStoredRounds() {
        store.recordRound(round("shop", "old-1", T0).ok("frontend", "payments", 8443).build());
        RoundReport hole = holeRound("old-2", T0 + 30_000);
        store.recordRound(hole);
        RecordedRoundHistory history = new RecordedRoundHistory(own, store);

        GateDecision decision = GateDecision.decide(history.reports("shop"), Instant.ofEpochMilli(T0), 1.0);

        assertThat(decision.state()).isEqualTo(GateDecision.State.FAIL);
        assertThat(decision.round().roundId()).isEqualTo("old-2");
        assertThat(decision.round().mismatches()).isEqualTo(hole.mismatches());
        assertThat(decision.round().suspectChange()).isEqualTo(hole.suspectChange());
        assertThat(decision.round().traceId()).isEqualTo(hole.traceId());
        assertThat(decision.roundsSince()).isEqualTo(2);
        assertThat(decision.failedRoundsSince()).isEqualTo(1);
    }

    @Test
    void oneCompleteRoundOfItsOwnAndTheStoreIsNoLongerRead() {
        store.recordRound(holeRound("old", T0));
        own.add(round("shop", "mine", T0 + 60_000).ok("frontend", "payments", 8443).build());
        RecordedRoundHistory history = new RecordedRoundHistory(own, store);

        assertThat(history.reports("shop")).as("the stored round is not mixed in").extracting(RoundReport::roundId)
                .containsExactly("mine");
        assertThat(GateDecision.decide(history.reports("shop"), null, 1.0).state()).isEqualTo(GateDecision.State.PASS);
        assertThat(history.reports("billing")).as("an unknown set").isEmpty();
    }
}
