package io.reachproof.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.agent.ManualClock;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class WarningThrottleTest {

    private final ManualClock clock = new ManualClock();
    private final WarningThrottle throttle = new WarningThrottle(clock, Duration.ofMinutes(1));

    @Test
    void theFirstWarningOfAKeyIsLoggedAtOnce() {
        assertThat(throttle.admit("TCP 10.0.0.1:7001")).hasValue(0);
        assertThat(throttle.admit("UDP 10.0.0.1:7002")).hasValue(0);
    }

    @Test
    void repeatsWithinTheIntervalAreHeldBackAndCountedInTheNextOne() {
        throttle.admit("TCP 10.0.0.1:7001");
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(10));
            assertThat(throttle.admit("TCP 10.0.0.1:7001")).isEmpty();
        }

        clock.advance(Duration.ofSeconds(20));

        assertThat(throttle.admit("TCP 10.0.0.1:7001")).hasValue(4);
        assertThat(throttle.admit("TCP 10.0.0.1:7001")).isEmpty();
    }

    @Test
    void eachKeyHasAnIntervalOfItsOwn() {
        throttle.admit("TCP 10.0.0.1:7001");
        clock.advance(Duration.ofSeconds(30));

        assertThat(throttle.admit("TCP 10.0.0.2:7001")).hasValue(0);
        assertThat(throttle.admit("TCP 10.0.0.1:7001")).isEmpty();
    }

    @Test
    void manyKeysDoNotPileUp() {
        for (int i = 0; i < 5_000; i++) {
            throttle.admit("TCP 10.0.0.1:" + (i + 1));
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(throttle.admit("TCP 10.0.0.1:5000")).isEqualTo(OptionalLong.empty());
        assertThat(throttle.admit("TCP 10.0.0.1:1")).hasValue(0);
    }

    @Test
    void anIntervalMustBePositive() {
        assertThatThrownBy(() -> new WarningThrottle(clock, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("interval must be positive: PT0S");
    }
}
