package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.protocol.RoundReport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code reachproof status} says how old the round it shows is. */
class StatusCommandTest {

    private static final Instant NOW = Instant.parse("2026-11-21T03:00:00Z");

    private static RoundReport finished(Instant at, boolean complete) {
        return new RoundReport("lab-7-abcd", "lab", at.toEpochMilli() - 1_000, at.toEpochMilli(), complete, null,
                List.of(), List.of(), 0, List.of(), List.of(), Map.of(), null);
    }

    @Test
    void theAgeIsInSecondsThenMinutesThenHours() {
        assertThat(StatusCommand.age(finished(NOW.minusSeconds(5), true), NOW))
                .isEqualTo("(round lab-7-abcd finished 5 s ago)");
        assertThat(StatusCommand.age(finished(NOW.minusSeconds(600), true), NOW))
                .isEqualTo("(round lab-7-abcd finished 10 min ago)");
        assertThat(StatusCommand.age(finished(NOW.minusSeconds(3 * 3600 + 59), true), NOW))
                .isEqualTo("(round lab-7-abcd finished 3 h ago)");
    }

    @Test
    void anIncompleteRoundSaysSoAndAClockBehindIsNotNegative() {
        assertThat(StatusCommand.age(finished(NOW.plusSeconds(3), false), NOW))
                .isEqualTo("(round lab-7-abcd finished 0 s ago, incomplete)");
    }
}
