package io.reachproof.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reachproof.coordinator.LabExpectation;
import io.reachproof.coordinator.evaluate.RoundEvaluator;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.coordinator.plan.PlannerSettings;
import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.registry.AgentRegistry;
import io.reachproof.coordinator.registry.RegistrySettings;
import io.reachproof.coordinator.round.InMemoryRoundHistory;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.PlanBoard;
import io.reachproof.coordinator.round.RoundService;
import io.reachproof.coordinator.round.RoundSettings;
import io.reachproof.protocol.RoundReport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class RoundSchedulerTest {

    @Test
    void roundsOfASetRunAtItsIntervalWithoutOverlapOrCatchUp() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        AgentRegistry registry = new AgentRegistry(Clock.systemUTC(), RegistrySettings.defaults());
        LabFleet.agents(9).forEach(a -> registry.register(a, "key-of-" + a.agentId() + "-0123456789abcdef0123456789"));
        List<LoadedExpectation> sets = List.of(LabExpectation.loaded("fast", Duration.ofMillis(100)),
                LabExpectation.loaded("slow", Duration.ofMillis(400)));
        InMemoryRoundHistory history = new InMemoryRoundHistory(Set.of("fast", "slow"), 100);
        // nobody answers: every round lasts until its deadline, 2 x 100 ms + 200 ms, longer than "fast"'s interval
        RoundService rounds = new RoundService(Clock.systemUTC(), registry, new PlanBoard(1000, timer, 1),
                new ProbePlanner(new PlannerSettings(1, 100, 2, 100)), new RoundEvaluator(2), r -> r, history, sets,
                new RoundSettings(Duration.ofMillis(200), 32, 100), timer);
        RoundScheduler scheduler = new RoundScheduler(rounds, sets, Duration.ofMillis(50));
        try {
            scheduler.start();

            await().atMost(Duration.ofSeconds(10)).until(() -> history.reports("fast").size() >= 4
                    && history.reports("slow").size() >= 2);

            List<RoundReport> fast = new ArrayList<>(history.reports("fast"));
            java.util.Collections.reverse(fast);
            for (int i = 1; i < fast.size(); i++) {
                assertThat(fast.get(i).startedAtEpochMillis()).isGreaterThanOrEqualTo(fast.get(i - 1).finishedAtEpochMillis());
            }
            long span = fast.get(fast.size() - 1).finishedAtEpochMillis() - fast.get(0).startedAtEpochMillis();
            assertThat(fast.size()).as("rounds of 400 ms in %d ms: skipped, not caught up", span)
                    .isLessThanOrEqualTo((int) (span / 400) + 2);
        } finally {
            scheduler.close();
            rounds.close();
            timer.shutdownNow();
        }
    }
}
