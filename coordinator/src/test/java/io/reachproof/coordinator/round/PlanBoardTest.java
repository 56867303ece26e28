package io.reachproof.coordinator.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.protocol.Plan;
import io.reachproof.protocol.PlanRound;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PlanBoardTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ManualScheduler timer = new ManualScheduler();
    private final PlanBoard board = new PlanBoard(5_000, timer, 100);

    private static PlanRound share(String roundId) {
        return new PlanRound(roundId, "lab", List.of(), List.of(), 9_000);
    }

    @Test
    void anAgentInNoRoundGetsAnEmptyPlanThatRepeatsAtTheConfiguredInterval() {
        Plan plan = board.current("frontend-0");

        assertThat(plan.agentId()).isEqualTo("frontend-0");
        assertThat(plan.rounds()).isEmpty();
        assertThat(plan.repeatEveryMillis()).isEqualTo(5_000);
        assertThat(plan.version()).as("versions count on from the first one").isEqualTo(101);
        assertThat(board.current("frontend-0").version()).as("asking changes nothing").isEqualTo(101);
    }

    @Test
    void aRoundsShareGoesToEachNamedAgentOnly() {
        board.open("lab-1", Map.of("frontend-0", share("lab-1")));

        assertThat(board.current("frontend-0").rounds()).extracting(PlanRound::roundId).containsExactly("lab-1");
        assertThat(board.current("checkout-1").rounds()).isEmpty();
    }

    @Test
    void anAgentsPlanCarriesEveryOpenRoundInTheOrderTheyOpened() {
        board.open("lab-1", Map.of("frontend-0", share("lab-1")));
        board.open("other-1", Map.of("frontend-0", share("other-1")));

        assertThat(board.current("frontend-0").rounds()).extracting(PlanRound::roundId).containsExactly("lab-1", "other-1");
    }

    @Test
    void everyChangeToAPlanGivesItANewerVersion() {
        long before = board.current("frontend-0").version();

        board.open("lab-1", Map.of("frontend-0", share("lab-1")));
        long opened = board.current("frontend-0").version();
        board.close("lab-1", List.of("frontend-0"));
        long closed = board.current("frontend-0").version();

        assertThat(opened).isGreaterThan(before);
        assertThat(closed).isGreaterThan(opened);
    }

    @Test
    void aClosedRoundLeavesEveryPlanThatHadIt() {
        board.open("lab-1", Map.of("frontend-0", share("lab-1"), "checkout-1", share("lab-1")));
        board.open("other-1", Map.of("frontend-0", share("other-1")));

        board.close("lab-1", List.of("frontend-0", "checkout-1"));

        assertThat(board.current("frontend-0").rounds()).extracting(PlanRound::roundId).containsExactly("other-1");
        assertThat(board.current("checkout-1").rounds()).isEmpty();
    }

    @Test
    void aPollWithAnOlderVersionIsAnsweredAtOnce() {
        long seen = board.current("frontend-0").version();
        board.open("lab-1", Map.of("frontend-0", share("lab-1")));

        CompletableFuture<Optional<Plan>> answer = board.poll("frontend-0", seen, WAIT);

        assertThat(answer).isCompleted();
        assertThat(answer.join()).hasValueSatisfying(p -> assertThat(p.rounds()).extracting(PlanRound::roundId)
                .containsExactly("lab-1"));
        assertThat(board.waiting()).isZero();
    }

    @Test
    void aPollWithTheCurrentVersionWaitsForTheNextChange() {
        long seen = board.current("frontend-0").version();
        CompletableFuture<Optional<Plan>> answer = board.poll("frontend-0", seen, WAIT);
        assertThat(answer).isNotDone();
        assertThat(board.waiting()).isEqualTo(1);

        board.open("lab-1", Map.of("frontend-0", share("lab-1")));

        assertThat(answer.join()).hasValueSatisfying(p -> {
            assertThat(p.version()).isGreaterThan(seen);
            assertThat(p.rounds()).extracting(PlanRound::roundId).containsExactly("lab-1");
        });
        assertThat(board.waiting()).isZero();
    }

    @Test
    void everyWaitingPollOfTheAgentWakes() {
        long seen = board.current("frontend-0").version();
        CompletableFuture<Optional<Plan>> first = board.poll("frontend-0", seen, WAIT);
        CompletableFuture<Optional<Plan>> second = board.poll("frontend-0", seen, WAIT);

        board.open("lab-1", Map.of("frontend-0", share("lab-1")));

        assertThat(first.join()).isPresent();
        assertThat(second.join()).isPresent();
    }

    @Test
    void anotherAgentsChangeWakesNoPoll() {
        long seen = board.current("frontend-0").version();
        CompletableFuture<Optional<Plan>> answer = board.poll("frontend-0", seen, WAIT);

        board.open("lab-1", Map.of("checkout-1", share("lab-1")));

        assertThat(answer).isNotDone();
        assertThat(board.waiting()).isEqualTo(1);
    }

    @Test
    void aPollWithoutAChangeEndsEmptyAtItsTimeout() {
        CompletableFuture<Optional<Plan>> answer = board.poll("frontend-0", board.current("frontend-0").version(), WAIT);

        timer.advance(WAIT.minusMillis(1));
        assertThat(answer).isNotDone();

        timer.advance(Duration.ofMillis(1));
        assertThat(answer.join()).isEmpty();
        assertThat(board.waiting()).isZero();
    }

    @Test
    void aWokenPollStaysAnsweredWhenItsTimeoutPasses() {
        long seen = board.current("frontend-0").version();
        CompletableFuture<Optional<Plan>> answer = board.poll("frontend-0", seen, WAIT);
        board.open("lab-1", Map.of("frontend-0", share("lab-1")));

        timer.advance(WAIT);

        assertThat(answer.join()).isPresent();
    }

    @Test
    void theRepeatIntervalMustBePositive() {
        assertThatThrownBy(() -> new PlanBoard(0, timer, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("repeatEveryMillis must be positive: 0");
    }
}
