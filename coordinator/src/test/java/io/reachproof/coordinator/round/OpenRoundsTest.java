package io.reachproof.coordinator.round;

import static io.reachproof.coordinator.round.TestRounds.plan;
import static io.reachproof.coordinator.round.TestRounds.result;
import static io.reachproof.coordinator.round.TestRounds.selfCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.coordinator.LabExpectation;
import io.reachproof.coordinator.MutableClock;
import io.reachproof.coordinator.plan.RoundPlan;
import io.reachproof.protocol.PlanRound;
import io.reachproof.protocol.ProbeTask;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenRoundsTest {

    private final MutableClock clock = TestRounds.clock();
    /** Agents run 2 probes at once; each probe takes up to 2 attempts x 100 ms; 50 ms slack. */
    private final OpenRounds open = new OpenRounds(clock, new RoundSettings(Duration.ofMillis(50), 2, 3), TestRounds.PROBING,
            List.of(LabExpectation.loaded("lab", Duration.ofSeconds(5)), LabExpectation.loaded("other", Duration.ofSeconds(5))),
            "boot");

    @ParameterizedTest(name = "{0} tasks on the busiest agent -> {1} ms")
    @CsvSource({
        "0, 250",   // one wave even with nothing to probe: 1 x 2 x 100 + 50
        "1, 250",
        "2, 250",   // two probes run at once: still one wave
        "3, 450",   // a second wave
        "5, 650"})
    void theDeadlineIsWavesTimesAttemptsTimesTimeoutPlusSlack(int busiest, long budget) {
        RoundPlan plan = plan("lab-1-boot", Map.of("frontend-0", busiest, "checkout-1", 1));
        clock.advance(Duration.ofMillis(7));

        OpenRound round = open.open(plan);

        assertThat(open.budgetMillis(plan)).isEqualTo(budget);
        assertThat(round.started()).isEqualTo(clock.millis());
        assertThat(round.deadline()).isEqualTo(clock.millis() + budget);
    }

    @Test
    void everyShareCarriesTheDeadline() {
        OpenRound round = open.open(plan("lab-1-boot", Map.of("frontend-0", 2), "checkout-1"));

        Map<String, PlanRound> shares = round.shares();

        assertThat(shares).containsOnlyKeys("frontend-0", "checkout-1");
        assertThat(shares.values()).allSatisfy(s -> {
            assertThat(s.roundId()).isEqualTo("lab-1-boot");
            assertThat(s.deadlineEpochMillis()).isEqualTo(round.deadline());
        });
        assertThat(shares.get("frontend-0").tasks()).hasSize(2);
        assertThat(shares.get("frontend-0").selfCheck()).isEmpty();
        assertThat(shares.get("checkout-1").tasks()).isEmpty();
        assertThat(shares.get("checkout-1").selfCheck()).isNotEmpty();
    }

    @Test
    void roundsAreNumberedByTimeAndTaggedWithTheBoot() {
        // 2026-01-01T00:00:00Z in 5 s intervals
        long first = clock.millis() / 5000 + 1;

        assertThat(open.next("lab")).isEqualTo(new OpenRounds.Next("lab-" + first + "-boot", first));
        assertThat(open.next("lab")).isEqualTo(new OpenRounds.Next("lab-" + (first + 1) + "-boot", first + 1));
        assertThat(open.next("other").number()).as("each set counts on its own").isEqualTo(first);
        assertThatThrownBy(() -> open.next("prod")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown expectation: prod");
    }

    @Test
    void aRoundIsFoundBySetAndByIdUntilReleased() {
        OpenRound round = open.open(plan("lab-1-boot", Map.of("frontend-0", 1)));

        assertThat(open.of("lab")).containsSame(round);
        assertThat(open.isOpen("other")).isFalse();
        assertThat(open.byId("lab-1-boot")).containsSame(round);
        assertThat(open.byId(null)).isEmpty();
        assertThat(open.all()).containsExactly(round);

        open.release(round);

        assertThat(open.isOpen("lab")).isFalse();
        assertThat(open.byId("lab-1-boot")).isEmpty();
        assertThat(open.all()).isEmpty();
    }

    @Test
    void releasingAnOldRoundLeavesTheNewerOneOpen() {
        OpenRound old = open.open(plan("lab-1-boot", Map.of("frontend-0", 1)));
        OpenRound newer = open.open(plan("lab-2-boot", Map.of("frontend-0", 1)));

        open.release(old);

        assertThat(open.of("lab")).containsSame(newer);
        assertThat(open.byId("lab-2-boot")).containsSame(newer);
    }

    @Test
    void theLastOutstandingResultOrSelfCheckSaysTheRoundCanClose() {
        OpenRound round = open.open(plan("lab-1-boot", Map.of("frontend-0", 2), "checkout-1"));
        List<ProbeTask> tasks = round.plan().tasksByAgent().get("frontend-0");
        assertThat(round.outstanding()).isEqualTo(3);

        assertThat(round.accept("frontend-0", result("r1", "lab-1-boot", tasks.get(0), "frontend-0")))
                .isEqualTo(OpenRound.Arrival.COUNTED);
        assertThat(round.accept(selfCheck("checkout-1", "lab-1-boot"))).isEqualTo(OpenRound.Arrival.COUNTED);
        assertThat(round.accept("frontend-0", result("r2", "lab-1-boot", tasks.get(1), "frontend-0")))
                .isEqualTo(OpenRound.Arrival.LAST);
        assertThat(round.outstanding()).isZero();
    }

    @Test
    void aSecondResultOfOneTaskCountsOnce() {
        OpenRound round = open.open(plan("lab-1-boot", Map.of("frontend-0", 2)));
        ProbeTask task = round.plan().tasksByAgent().get("frontend-0").get(0);

        round.accept("frontend-0", result("r1", "lab-1-boot", task, "frontend-0"));

        assertThat(round.accept("frontend-0", result("r2", "lab-1-boot", task, "frontend-0")))
                .isEqualTo(OpenRound.Arrival.COUNTED);
        assertThat(round.outstanding()).isEqualTo(1);
        assertThat(round.seal().resultsByTask().get(task.taskId()).resultId()).as("the first one").isEqualTo("r1");
    }

    @Test
    void anotherAgentsTaskOrSelfCheckIsRefused() {
        OpenRound round = open.open(plan("lab-1-boot", Map.of("frontend-0", 1), "checkout-1"));
        ProbeTask task = round.plan().tasksByAgent().get("frontend-0").get(0);

        assertThat(round.accept("payments-2", result("r1", "lab-1-boot", task, "payments-2")))
                .isEqualTo(OpenRound.Arrival.REFUSED);
        assertThat(round.accept(selfCheck("payments-2", "lab-1-boot"))).isEqualTo(OpenRound.Arrival.REFUSED);
        assertThat(round.outstanding()).isEqualTo(2);
    }

    @Test
    void aSealedRoundRefusesWhatArrivesAfterAndKeepsWhatCameBefore() {
        OpenRound round = open.open(plan("lab-1-boot", Map.of("frontend-0", 2), "checkout-1"));
        List<ProbeTask> tasks = round.plan().tasksByAgent().get("frontend-0");
        round.accept("frontend-0", result("r1", "lab-1-boot", tasks.get(0), "frontend-0"));

        OpenRound.Arrived arrived = round.seal();

        assertThat(arrived.resultsByTask()).containsOnlyKeys(tasks.get(0).taskId());
        assertThat(arrived.selfChecks()).isEmpty();
        assertThat(round.accept("frontend-0", result("r2", "lab-1-boot", tasks.get(1), "frontend-0")))
                .isEqualTo(OpenRound.Arrival.REFUSED);
        assertThat(round.accept(selfCheck("checkout-1", "lab-1-boot"))).isEqualTo(OpenRound.Arrival.REFUSED);
    }

    @Test
    void onlyOneCallerMayCloseARound() {
        OpenRound round = open.open(plan("lab-1-boot", Map.of("frontend-0", 1)));

        assertThat(round.claimClose()).isTrue();
        assertThat(round.claimClose()).isFalse();
    }
}
