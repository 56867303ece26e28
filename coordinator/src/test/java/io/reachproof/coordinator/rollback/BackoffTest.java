package io.reachproof.coordinator.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

    @ParameterizedTest(name = "retry {0} with random {1} waits {2} ms")
    @CsvSource({
        "1, 0.0, 500", "1, 0.999, 999", "2, 0.0, 1000", "2, 0.5, 1500", "3, 0.0, 2000", "4, 1.0, 8000",
        "7, 0.0, 30000", "7, 0.5, 45000", "30, 0.0, 30000", "30, 0.999, 59970"
    })
    void delayDoublesWithEqualJitterUpToTheCap(int retry, double random, long millis) {
        assertThat(backoff.delay(retry, random)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void invalidSettingsAreRejectedByName() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessage("initial backoff must be positive: PT0S");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessage("max backoff must be at least the initial backoff: PT1S < PT2S");
        assertThatThrownBy(() -> backoff.delay(0, 0.5)).hasMessage("retry must be at least 1: 0");
    }
}
