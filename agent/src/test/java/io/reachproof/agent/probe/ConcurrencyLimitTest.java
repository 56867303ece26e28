package io.reachproof.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitTest {

    @Test
    void jobsBeyondTheLimitWaitAndStartInOrderAsSlotsFree() {
        ConcurrencyLimit limit = new ConcurrencyLimit(2);
        List<Integer> started = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            limit.submit(() -> started.add(n));
        }
        assertThat(started).containsExactly(0, 1);
        assertThat(limit.inFlight()).isEqualTo(2);
        assertThat(limit.queued()).isEqualTo(3);

        limit.release();
        assertThat(started).containsExactly(0, 1, 2);
        limit.release();
        limit.release();
        assertThat(started).containsExactly(0, 1, 2, 3, 4);
        limit.release();
        limit.release();
        assertThat(limit.inFlight()).isZero();
        assertThat(limit.queued()).isZero();
    }

    @Test
    void limitMustBePositive() {
        assertThatThrownBy(() -> new ConcurrencyLimit(0)).hasMessage("concurrency must be at least 1: 0");
    }
}
