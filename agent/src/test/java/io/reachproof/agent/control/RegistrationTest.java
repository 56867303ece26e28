package io.reachproof.agent.control;

import static io.reachproof.agent.control.TestPlans.identity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.agent.ManualClock;
import io.reachproof.agent.ManualScheduler;
import io.reachproof.protocol.Heartbeat;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RegistrationTest {

    private final ManualClock clock = new ManualClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final FakeCoordinator coordinator = new FakeCoordinator(clock, 1000);
    private final Registration registration = new Registration(identity(), "http://coordinator.test", coordinator,
            scheduler, () -> new Heartbeat(TestPlans.AGENT, 7, 1, clock.millis()));

    @Test
    void registeringStartsHeartbeatsAtTheIntervalTheCoordinatorAskedFor() throws Exception {
        long t0 = clock.millis();
        registration.register();

        scheduler.advance(Duration.ofMillis(FakeCoordinator.HEARTBEAT_MILLIS * 3));

        assertThat(registration.first()).isDone();
        assertThat(registration.ack()).hasValueSatisfying(a -> assertThat(a.maxBatchResults()).isEqualTo(1000));
        assertThat(coordinator.heartbeats).hasSize(4)
                .allSatisfy(h -> assertThat(h.spooledResults()).isEqualTo(7))
                .extracting(Heartbeat::atEpochMillis)
                .containsExactly(t0, t0 + 1_000, t0 + 2_000, t0 + 3_000);
    }

    @Test
    void aSecondRegistrationReplacesTheHeartbeatsInsteadOfAddingToThem() throws Exception {
        registration.register();
        scheduler.advance(Duration.ofMillis(500));
        coordinator.restart();
        registration.forget();
        assertThat(registration.ack()).isEmpty();

        registration.register();
        scheduler.advance(Duration.ofSeconds(10));

        assertThat(scheduler.pending()).isEqualTo(1);
        assertThat(coordinator.heartbeats).hasSize(1 + 1 + 10);
    }

    @Test
    void aFailedRegistrationLeavesTheAgentUnregisteredAndSendsNoHeartbeats() {
        coordinator.refuseRegistrations(1);

        assertThatThrownBy(registration::register).isInstanceOf(IOException.class);
        scheduler.advance(Duration.ofSeconds(10));

        assertThat(registration.ack()).isEmpty();
        assertThat(registration.first()).isNotDone();
        assertThat(coordinator.heartbeats).isEmpty();
    }

    @Test
    void heartbeatsThatFailDoNotStopTheHeartbeats() throws Exception {
        registration.register();
        coordinator.down();
        scheduler.advance(Duration.ofSeconds(5));
        coordinator.up();

        scheduler.advance(Duration.ofSeconds(2));

        assertThat(coordinator.heartbeats).hasSize(2);
    }

    @Test
    void stoppingEndsTheHeartbeats() throws Exception {
        registration.register();
        registration.stop();

        scheduler.advance(Duration.ofSeconds(10));

        assertThat(coordinator.heartbeats).isEmpty();
    }
}
