package io.reachproof.coordinator.round;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.coordinator.LabExpectation;
import io.reachproof.coordinator.MutableClock;
import io.reachproof.coordinator.evaluate.RoundEvaluator;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.registry.AgentRegistry;
import io.reachproof.coordinator.registry.RegistrySettings;
import io.reachproof.protocol.PlanRound;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.RoundReport;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The facade's deadlines, driven by a manual scheduler: a lab round may take 2 x 100 ms + 100 ms slack. */
class RoundServiceDeadlineTest {

    private static final Duration BUDGET = Duration.ofMillis(300);

    private final MutableClock clock = TestRounds.clock();
    private final ManualScheduler timer = new ManualScheduler();
    private final AgentRegistry registry = new AgentRegistry(clock, RegistrySettings.defaults());
    private final PlanBoard board = new PlanBoard(5000, timer, 1);
    private final RoundService rounds = new RoundService(clock, registry, board, new ProbePlanner(TestRounds.PROBING),
            new RoundEvaluator(2), RoundEnricher.NONE, report -> report, new InMemoryRoundHistory(Set.of("lab"), 3),
            List.of(LabExpectation.loaded("lab", Duration.ofSeconds(5))), new RoundSettings(Duration.ofMillis(100), 32, 3),
            timer);

    RoundServiceDeadlineTest() {
        LabFleet.agents(9).forEach(a -> registry.register(a, "key-of-" + a.agentId() + "-0123456789abcdef0123456789"));
    }

    @AfterEach
    void tearDown() {
        rounds.close();
    }

    @Test
    void aRoundWithoutAnswersClosesWhenItsDeadlinePassesAndNotBefore() throws Exception {
        CompletableFuture<RoundReport> report = rounds.runNow("lab").report().toCompletableFuture();

        timer.advance(BUDGET.minusMillis(1));
        assertThat(report).isNotDone();

        timer.advance(Duration.ofMillis(1));
        RoundReport closed = report.get(30, TimeUnit.SECONDS);
        assertThat(closed.complete()).isFalse();
        assertThat(closed.coverage()).isZero();
    }

    @Test
    void aDeadlineAfterCloseCancelsTheReportAndStartsNoRoundTheChangeAskedFor() {
        RoundTrigger.Started open = rounds.runNow("lab");
        rounds.policyChanged(new PolicyChange("aws-lab", "payments", "deny-frontend", "u1", "7", "ADDED", 1));

        rounds.close();
        timer.advance(BUDGET);

        assertThat(open.report().toCompletableFuture()).isCancelled();
        assertThat(timer.pending()).as("no deadline of a new round").isZero();
        assertThat(board.current("frontend-0").rounds()).extracting(PlanRound::roundId).containsExactly(open.roundId());
    }

    @Test
    void afterAPolicyChangeRoundsFollowWithinSecondsUntilOneProvesItEnforced() {
        rounds.policyChanged(new PolicyChange("aws-lab", "payments", "deny-frontend", "u1", "7", "ADDED", 1));
        java.util.List<String> seen = new java.util.ArrayList<>();
        long at = 0;
        // the round the change started, then the follow-ups 1 s and 3 s after the change: nobody answers, so none
        // proves the change enforced and the suspect stays
        for (long followUp : new long[] {1000, 3000}) {
            seen.add(board.current("frontend-0").rounds().get(0).roundId());
            timer.advance(BUDGET);
            at += BUDGET.toMillis();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> board.current("frontend-0").rounds().isEmpty());
            timer.advance(Duration.ofMillis(followUp - at));
            at = followUp;
        }
        seen.add(board.current("frontend-0").rounds().get(0).roundId());

        assertThat(seen).hasSize(3).doesNotHaveDuplicates();
        assertThat(rounds.suspect("lab")).isPresent();
    }
}
