package io.reachproof.coordinator.signal;

import static io.reachproof.coordinator.testing.RoundReports.round;
import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.coordinator.signal.SignalTracker.Confirmations;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.RoundReport;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class EpisodesTest {

    private final SignalTracker tracker = new SignalTracker(Confirmations.DEFAULT);
    private final Episodes episodes = new Episodes(2);

    private static final Predicate<CellResult> TO_PAYMENTS = c -> c.toGroup().equals("payments");

    private void observe(RoundReport report) {
        tracker.observe(report).ifPresent(episodes::record);
    }

    @Test
    void aFiringEpisodeNamesItsKeySinceWhenAndOnlyTheAskersCells() {
        observe(round("lab", "r1", 1000).finishedAt(1800).hole("frontend", "payments", 7001)
                .hole("frontend", "checkout", 7001).build());

        List<Episodes.Episode> shown = episodes.touching("lab", TO_PAYMENTS);

        assertThat(shown).singleElement().satisfies(e -> {
            assertThat(e.episode()).isEqualTo("r1");
            assertThat(e.state()).isEqualTo("opened");
            assertThat(e.idempotencyKey()).matches("rp1-[0-9a-f]{32}");
            assertThat(e.openedAtEpochMillis()).isEqualTo(1800);
            assertThat(e.mismatches()).as("the whole set").isEqualTo(2);
            assertThat(e.cells()).containsExactly("HOLE frontend -> payments 7001/TCP (aws-lab -> gcp-lab)");
        });
        assertThat(episodes.touching("lab", c -> c.toGroup().equals("cache"))).isEmpty();
        assertThat(episodes.touching("other", TO_PAYMENTS)).as("another expectation's episodes").isEmpty();
    }

    @Test
    void theResolvingSignalReplacesTheOpeningOneWithItsOwnKey() {
        observe(round("lab", "r1", 1000).finishedAt(1800).hole("frontend", "payments", 7001).build());
        String opened = episodes.all("lab").get(0).idempotencyKey();

        observe(round("lab", "r2", 2000).finishedAt(2800).denied("frontend", "payments", 7001).build());

        assertThat(episodes.all("lab")).singleElement().satisfies(e -> {
            assertThat(e.state()).isEqualTo("resolved");
            assertThat(e.episode()).isEqualTo("r1");
            assertThat(e.openedAtEpochMillis()).isEqualTo(1800);
            assertThat(e.atEpochMillis()).isEqualTo(2800);
            assertThat(e.idempotencyKey()).isNotEqualTo(opened).matches("rp1-[0-9a-f]{32}");
        });
    }

    @Test
    void keepsTheNewestEpisodesNewestFirst() {
        for (int i = 1; i <= 3; i++) {
            long t = i * 10_000L;
            observe(round("lab", "open-" + i, t).finishedAt(t + 800).hole("frontend", "payments", 7001).build());
            observe(round("lab", "fix-" + i, t + 1000).finishedAt(t + 1800).denied("frontend", "payments", 7001).build());
        }

        assertThat(episodes.all("lab")).extracting(Episodes.Episode::episode).containsExactly("open-3", "open-2");
    }
}
