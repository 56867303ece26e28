package io.reachproof.agent.control;

import static io.reachproof.agent.control.TestPlans.identity;
import static io.reachproof.agent.control.TestPlans.plan;
import static io.reachproof.agent.control.TestPlans.round;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.agent.ManualClock;
import io.reachproof.agent.ManualScheduler;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.ResultBatch;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control loop against a coordinator in memory, on a scheduler and clock the test moves: nothing sleeps. */
class ControlLoopTest {

    private static final Duration BACKOFF = Duration.ofSeconds(1);

    @TempDir
    Path spoolDir;

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final TestPlans.InstantRunner runner = new TestPlans.InstantRunner(clock);
    private ControlLoop loop;

    private ControlLoop start(FakeCoordinator coordinator) {
        ControlSettings settings = new ControlSettings(URI.create("http://coordinator.test:8080"), "t0ken", spoolDir,
                10_000, BACKOFF, Duration.ofSeconds(5));
        loop = new ControlLoop(identity(), settings, Json.mapper(), coordinator, runner,
                () -> CompletableFuture.completedFuture(List.of()), scheduler, clock);
        loop.start();
        return loop;
    }

    @AfterEach
    void close() {
        if (loop != null) {
            loop.close();
        }
    }

    @Test
    void registersRunsEachNewRoundOnceAndDeliversItsResults() {
        FakeCoordinator coordinator = new FakeCoordinator(clock, 1000);
        coordinator.publish(plan(1, 5_000, round("r1", 2, true)));
        ControlLoop loop = start(coordinator);

        scheduler.advance(Duration.ofMinutes(1));

        assertThat(loop.registered()).isDone();
        assertThat(loop.online()).isTrue();
        assertThat(coordinator.registrations()).isEqualTo(1);
        assertThat(runner.probed).containsExactly("r1/r1-t0", "r1/r1-t1");
        assertThat(coordinator.resultIds()).hasSize(2);
        assertThat(coordinator.batches).flatExtracting(ResultBatch::selfChecks).hasSize(1);
        assertThat(loop.deliveredResults()).isEqualTo(2);
        assertThat(loop.offlineRepeats()).isZero();
        assertThat(coordinator.heartbeats).isNotEmpty();
    }

    @Test
    void registrationIsRetriedAfterEachBackoffUntilTheCoordinatorAnswers() {
        FakeCoordinator coordinator = new FakeCoordinator(clock, 1000);
        coordinator.refuseRegistrations(3);
        ControlLoop loop = start(coordinator);

        scheduler.runDue();
        scheduler.advance(BACKOFF.multipliedBy(2));
        assertThat(loop.registered()).isNotDone();
        assertThat(loop.online()).isFalse();
        assertThat(coordinator.heartbeats).isEmpty();

        scheduler.advance(BACKOFF);
        assertThat(loop.registered()).isDone();
        assertThat(loop.online()).isTrue();
        assertThat(coordinator.registrations()).isEqualTo(1);
        assertThat(coordinator.heartbeats).hasSize(1);
    }

    @Test
    void keepsProbingTheLastPlanAtItsCadenceWhileTheCoordinatorIsAway() {
        FakeCoordinator coordinator = new FakeCoordinator(clock, 1000);
        coordinator.publish(plan(1, 5_000, round("r1", 2, false)));
        ControlLoop loop = start(coordinator);
        scheduler.runDue();
        assertThat(coordinator.resultIds()).hasSize(2);

        coordinator.down();
        scheduler.advance(Duration.ofSeconds(30));

        // the first repeat comes at the first failed try, 10s (one long poll) after the round ran; then every 5s
        assertThat(loop.offlineRepeats()).isEqualTo(7);
        assertThat(runner.probed).hasSize(2 + 7 * 2);
        assertThat(loop.online()).isFalse();
        assertThat(loop.spool().waitingResults()).isEqualTo(14);
        assertThat(coordinator.resultIds()).hasSize(2);
    }

    @Test
    void spooledResultsAreDeliveredOnceTheCoordinatorIsBack() {
        FakeCoordinator coordinator = new FakeCoordinator(clock, 1000);
        coordinator.publish(plan(1, 5_000, round("r1", 2, false)));
        ControlLoop loop = start(coordinator);
        scheduler.runDue();
        coordinator.down();
        scheduler.advance(Duration.ofSeconds(30));

        coordinator.up();
        scheduler.advance(BACKOFF);

        assertThat(loop.online()).isTrue();
        assertThat(loop.spool().entries()).isZero();
        assertThat(coordinator.resultIds()).hasSize(16);
        assertThat(coordinator.registrations()).isEqualTo(1);
        assertThat(loop.deliveredResults()).isEqualTo(16);
    }

    @Test
    void aRestartedCoordinatorIsRegisteredWithAgainAndGetsTheSpool() {
        FakeCoordinator coordinator = new FakeCoordinator(clock, 1000);
        coordinator.publish(plan(1, 5_000, round("r1", 2, false)));
        ControlLoop loop = start(coordinator);
        scheduler.runDue();
        coordinator.down();
        scheduler.advance(Duration.ofSeconds(20));
        long spooled = loop.spool().waitingResults();
        assertThat(spooled).isPositive();

        coordinator.restart();
        int heartbeatsBefore = coordinator.heartbeats.size();
        scheduler.advance(BACKOFF.multipliedBy(2));

        assertThat(coordinator.registrations()).isEqualTo(2);
        assertThat(loop.online()).isTrue();
        assertThat(loop.spool().entries()).isZero();
        assertThat(coordinator.resultIds()).hasSize((int) (2 + spooled));
        assertThat(coordinator.heartbeats.size()).isGreaterThan(heartbeatsBefore);
    }

    @Test
    void aBatchWhoseAcknowledgementIsLostIsSentAgainAndTakenOnce() {
        FakeCoordinator coordinator = new FakeCoordinator(clock, 1000);
        coordinator.publish(plan(1, 60_000, round("r1", 3, false)));
        coordinator.loseNextAck();
        ControlLoop loop = start(coordinator);

        scheduler.runDue();
        assertThat(loop.online()).isFalse();
        assertThat(loop.spool().waitingResults()).isEqualTo(3);

        scheduler.advance(BACKOFF);
        assertThat(loop.spool().entries()).isZero();
        assertThat(coordinator.resultIds()).hasSize(3);
        assertThat(coordinator.duplicates()).isEqualTo(3);
        assertThat(coordinator.batches).hasSize(2).allSatisfy(b -> assertThat(b.results()).hasSize(3));
    }

    @Test
    void aBatchOverTheCoordinatorsLimitIsDeliveredInParts() {
        FakeCoordinator coordinator = new FakeCoordinator(clock, 3);
        coordinator.publish(plan(1, 60_000, round("r1", 7, true)));
        ControlLoop loop = start(coordinator);

        scheduler.runDue();

        assertThat(coordinator.batches).extracting(b -> b.results().size() + "+" + b.selfChecks().size())
                .containsExactly("3+0", "3+0", "1+0", "0+1");
        assertThat(coordinator.resultIds()).hasSize(7);
        assertThat(loop.spool().entries()).isZero();
    }

    @Test
    void noResultIsLostOrTakenTwiceAcrossOutagesRestartsAndLostAcknowledgements() {
        FakeCoordinator coordinator = new FakeCoordinator(clock, 4);
        coordinator.publish(plan(1, 5_000, round("r1", 5, true)));
        ControlLoop loop = start(coordinator);
        scheduler.advance(Duration.ofSeconds(15));

        coordinator.down();
        scheduler.advance(Duration.ofSeconds(12));
        coordinator.publish(plan(2, 5_000, round("r2", 3, false), round("r3", 6, true)));
        coordinator.restart();
        coordinator.loseNextAck();
        scheduler.advance(Duration.ofSeconds(3));
        coordinator.down();
        scheduler.advance(Duration.ofSeconds(17));
        coordinator.restart();
        coordinator.loseNextAck();
        scheduler.advance(Duration.ofSeconds(30));

        assertThat(loop.offlineRepeats()).isPositive();
        assertThat(coordinator.duplicates()).isPositive();
        assertThat(loop.spool().dropped()).isZero();
        assertThat(loop.spool().entries()).isZero();
        assertThat(coordinator.resultIds()).hasSize((int) loop.spool().appendedResults())
                .hasSize(runner.probed.size());
    }

    @Test
    void closingStopsTheStepsAndTheHeartbeats() {
        FakeCoordinator coordinator = new FakeCoordinator(clock, 1000);
        ControlLoop loop = start(coordinator);
        scheduler.runDue();
        assertThat(scheduler.pending()).isEqualTo(2);

        loop.close();

        assertThat(scheduler.isShutdown()).isTrue();
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void aLoopStartsOnce() {
        ControlLoop loop = start(new FakeCoordinator(clock, 1000));

        assertThatThrownBy(loop::start).isInstanceOf(IllegalStateException.class).hasMessage("control loop already started");
    }
}
