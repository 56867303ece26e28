package io.reachproof.agent.control;

import static io.reachproof.agent.control.TestPlans.plan;
import static io.reachproof.agent.control.TestPlans.round;
import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.agent.ManualClock;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PlanRound;
import io.reachproof.protocol.PodListener;
import io.reachproof.protocol.PodRef;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.Responder;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.SelfCheckStatus;
import io.reachproof.protocol.TargetAnswer;
import io.reachproof.protocol.TargetReadiness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundExecutorTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private final TestPlans.InstantRunner runner = new TestPlans.InstantRunner(clock);
    private List<Responder> failing = List.of();

    private RoundExecutor executor(ResultSpool spool) {
        return new RoundExecutor(TestPlans.AGENT, runner, () -> CompletableFuture.completedFuture(failing), spool, clock);
    }

    private ResultSpool spool() {
        return new ResultSpool(TestPlans.AGENT, dir, 1000, Json.mapper());
    }

    private static List<ResultBatch> drain(ResultSpool spool) {
        List<ResultBatch> batches = new ArrayList<>();
        spool.oldest().ifPresent(s -> {
            batches.add(s.batch());
            spool.remove(s);
            batches.addAll(drain(spool));
        });
        return batches;
    }

    @Test
    void eachRoundRunsOnceHoweverOftenItsPlanComes() throws Exception {
        ResultSpool spool = spool();
        RoundExecutor rounds = executor(spool);

        rounds.take(plan(1, 5_000, round("r1", 2, false)));
        rounds.take(plan(1, 5_000, round("r1", 2, false)));
        rounds.take(plan(2, 5_000, round("r1", 2, false), round("r2", 1, false)));

        assertThat(runner.probed).containsExactly("r1/r1-t0", "r1/r1-t1", "r2/r2-t0");
        assertThat(rounds.version()).isEqualTo(2);
        assertThat(drain(spool)).extracting(b -> b.results().size()).containsExactly(2, 1);
    }

    @Test
    void whileOfflineTheLastPlansRoundsRepeatOncePerCadence() throws Exception {
        ResultSpool spool = spool();
        RoundExecutor rounds = executor(spool);
        rounds.repeatIfDue();
        assertThat(runner.probed).isEmpty();

        rounds.take(plan(1, 5_000, round("r1", 1, false), round("r2", 1, false)));
        clock.advance(Duration.ofMillis(4_999));
        rounds.repeatIfDue();
        assertThat(rounds.offlineRepeats()).isZero();

        clock.advance(Duration.ofMillis(1));
        rounds.repeatIfDue();
        rounds.repeatIfDue();

        assertThat(rounds.offlineRepeats()).isEqualTo(1);
        assertThat(runner.probed).containsExactly("r1/r1-t0", "r2/r2-t0", "r1/r1-t0", "r2/r2-t0");
    }

    @Test
    void aSelfCheckIsReportedForEachRoundThatAskedForItWithTheRespondersThatFailed() throws Exception {
        ResultSpool spool = spool();
        failing = List.of(TestPlans.TCP);

        executor(spool).take(plan(1, 5_000, round("r1", 1, true), round("r2", 1, false), round("r3", 0, true)));

        ResultBatch batch = spool.oldest().orElseThrow().batch();
        assertThat(batch.selfChecks()).extracting(SelfCheckStatus::roundId).containsExactly("r1", "r3");
        assertThat(batch.selfChecks()).allSatisfy(s -> {
            assertThat(s.failed()).containsExactly(TestPlans.TCP);
            assertThat(s.detail()).isEqualTo("responders failed: [7001/TCP]");
        });
    }

    @Test
    void aProbeThatFailsInsteadOfAnsweringBecomesAnErrorResult() throws Exception {
        ResultSpool spool = spool();
        TaskRunner broken = (task, roundId) -> CompletableFuture.failedFuture(new IllegalStateException("boom"));

        new RoundExecutor(TestPlans.AGENT, broken, () -> CompletableFuture.completedFuture(List.of()), spool, clock)
                .take(plan(1, 5_000, round("r1", 1, false)));

        ProbeResult result = spool.oldest().orElseThrow().batch().results().get(0);
        assertThat(result.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(result.taskId()).isEqualTo("r1-t0");
        assertThat(result.roundId()).isEqualTo("r1");
        assertThat(result.detail()).startsWith("prober gave no result: java.util.concurrent.ExecutionException");
    }

    @Test
    void aWorkloadRoundIsPreparedOnceThenProbedWhenItsTasksComeAndItsListenersAreGivenBackAfterItsDeadline()
            throws Exception {
        ResultSpool spool = spool();
        RoundExecutor rounds = executor(spool);
        List<String> prepared = new ArrayList<>();
        List<String> released = new ArrayList<>();
        rounds.prepareTargetsWith(new TargetPreparing() {
            @Override
            public List<TargetReadiness> prepare(String roundId, long deadlineEpochMillis, List<PodListener> listeners) {
                assertThat(deadlineEpochMillis).as("the round's deadline").isEqualTo(clock.millis() + 10_000);
                prepared.add(roundId);
                return listeners.stream().map(l -> new TargetReadiness(TestPlans.AGENT, roundId, l.pod(), l.port(),
                        TargetAnswer.BORROWED, "borrowed", clock.millis())).toList();
            }

            @Override
            public void release(String roundId) {
                released.add(roundId);
            }
        });
        PodRef checkout = new PodRef("shop", "checkout-1", "uid-1", "10.0.0.3");
        long deadline = clock.millis() + 10_000;
        PlanRound preparing = new PlanRound("w1", "lab", List.of(), List.of(), deadline,
                List.of(new PodListener(checkout, new Responder(8080, "TCP"), null)));
        PlanRound probing = new PlanRound("w1", "lab", TestPlans.round("w1", 2, false).tasks(), List.of(), deadline,
                preparing.prepare());

        rounds.take(plan(1, 5_000, preparing));
        assertThat(runner.probed).as("nothing to probe in the first phase").isEmpty();
        rounds.take(plan(2, 5_000, probing));
        rounds.take(plan(3, 5_000, probing));

        assertThat(prepared).containsExactly("w1");
        assertThat(runner.probed).containsExactly("w1/w1-t0", "w1/w1-t1");
        List<ResultBatch> batches = drain(spool);
        assertThat(batches.get(0).targets()).singleElement().satisfies(t -> {
            assertThat(t.pod()).isEqualTo(checkout);
            assertThat(t.answer()).isEqualTo(TargetAnswer.BORROWED);
        });
        assertThat(batches.get(1).results()).hasSize(2);
        assertThat(released).isEmpty();

        clock.advance(Duration.ofMillis(10_001));
        rounds.repeatIfDue();
        assertThat(released).containsExactly("w1");
    }

    @Test
    void aRoundIsNeverPreparedAgainAfterItsReleaseNorWhenItsDeadlineHasPassed() throws Exception {
        ResultSpool spool = spool();
        RoundExecutor rounds = executor(spool);
        List<String> prepared = new ArrayList<>();
        List<String> released = new ArrayList<>();
        rounds.prepareTargetsWith(new TargetPreparing() {
            @Override
            public List<TargetReadiness> prepare(String roundId, long deadlineEpochMillis, List<PodListener> listeners) {
                prepared.add(roundId);
                return List.of();
            }

            @Override
            public void release(String roundId) {
                released.add(roundId);
            }
        });
        List<PodListener> listeners = List.of(new PodListener(new PodRef("shop", "checkout-1", "uid-1", "10.0.0.3"),
                new Responder(8080, "TCP"), null));
        PlanRound w1 = new PlanRound("w1", "lab", List.of(), List.of(), clock.millis() + 1_000, listeners);

        rounds.take(plan(1, 5_000, w1));
        clock.advance(Duration.ofMillis(1_001));
        rounds.take(plan(2, 5_000, w1, new PlanRound("w2", "lab", List.of(), List.of(), clock.millis() - 1, listeners)));
        rounds.take(plan(3, 5_000, w1));

        assertThat(prepared).as("w1 once; w2 came after its deadline").containsExactly("w1");
        assertThat(released).containsExactly("w1");
    }

    @Test
    void anAgentNotInWorkloadModeAnswersEveryPreparedPortNone() throws Exception {
        ResultSpool spool = spool();
        RoundExecutor rounds = executor(spool);
        PodRef checkout = new PodRef("shop", "checkout-1", "uid-1", "10.0.0.3");

        rounds.take(plan(1, 5_000, new PlanRound("w2", "lab", List.of(), List.of(), clock.millis() + 1000,
                List.of(new PodListener(checkout, new Responder(8080, "TCP"), null)))));

        assertThat(drain(spool)).singleElement().satisfies(b -> assertThat(b.targets()).singleElement().satisfies(t -> {
            assertThat(t.answer()).isEqualTo(TargetAnswer.NONE);
            assertThat(t.detail()).isEqualTo("agent " + TestPlans.AGENT + " is not in workload mode");
        }));
    }
}
