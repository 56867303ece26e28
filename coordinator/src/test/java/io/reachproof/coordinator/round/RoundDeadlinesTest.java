package io.reachproof.coordinator.round;

import static io.reachproof.coordinator.round.TestRounds.plan;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RoundDeadlinesTest {

    private final ManualScheduler timer = new ManualScheduler();
    private final RoundDeadlines deadlines = new RoundDeadlines(timer);
    private final List<String> fired = new CopyOnWriteArrayList<>();

    private OpenRound round(String roundId, long started, long deadline) {
        return new OpenRound(plan(roundId, Map.of("frontend-0", 1)), started, deadline);
    }

    @Test
    void aDeadlineFiresWhenTheRoundsTimeIsUpAndNotBefore() {
        OpenRound round = round("lab-1-boot", 1_000, 1_250);
        deadlines.arm(round, () -> fired.add(round.roundId()));

        timer.advance(Duration.ofMillis(249));
        assertThat(fired).isEmpty();
        assertThat(deadlines.armed()).isEqualTo(1);

        timer.advance(Duration.ofMillis(1));
        assertThat(fired).containsExactly("lab-1-boot");
        assertThat(deadlines.armed()).as("a fired deadline is forgotten").isZero();
    }

    @Test
    void aRoundThatClosedBeforeItsDeadlineIsNotClosedAgain() {
        OpenRound round = round("lab-1-boot", 1_000, 1_250);
        deadlines.arm(round, () -> fired.add(round.roundId()));

        deadlines.disarm(round);
        timer.advance(Duration.ofSeconds(1));

        assertThat(fired).isEmpty();
        assertThat(deadlines.armed()).isZero();
        assertThat(timer.pending()).isZero();
    }

    @Test
    void eachRoundHasItsOwnDeadline() {
        OpenRound slow = round("lab-1-boot", 0, 500);
        OpenRound fast = round("other-1-boot", 0, 100);
        deadlines.arm(slow, () -> fired.add(slow.roundId()));
        deadlines.arm(fast, () -> fired.add(fast.roundId()));

        timer.advance(Duration.ofMillis(100));
        assertThat(fired).containsExactly("other-1-boot");

        timer.advance(Duration.ofMillis(400));
        assertThat(fired).containsExactly("other-1-boot", "lab-1-boot");
    }

    @Test
    void disarmingARoundWithoutADeadlineDoesNothing() {
        deadlines.disarm(round("lab-1-boot", 0, 100));

        assertThat(deadlines.armed()).isZero();
    }
}
