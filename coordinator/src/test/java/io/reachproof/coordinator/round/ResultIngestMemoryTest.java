package io.reachproof.coordinator.round;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultIngestMemoryTest {

    @Test
    void theRememberedIdsStayWithinTheByteBoundAndTheNewestAreKept() {
        long bound = 100 * ResultIngest.bytesOf("x".repeat(128));
        ResultIngest ingest = new ResultIngest(500_000, bound);

        for (int i = 0; i < 10_000; i++) {
            assertThat(ingest.firstTime(String.format("%0128d", i))).isTrue();
            assertThat(ingest.rememberedBytes()).isLessThanOrEqualTo(bound);
        }

        assertThat(ingest.firstTime(String.format("%0128d", 9_999))).isFalse();
        assertThat(ingest.firstTime(String.format("%0128d", 9_900))).isFalse();
        assertThat(ingest.firstTime(String.format("%0128d", 9_899))).isTrue();
    }

    @Test
    void theCountBoundStillHolds() {
        ResultIngest ingest = new ResultIngest(2, ResultIngest.DEFAULT_MAX_BYTES);
        ingest.firstTime("a");
        ingest.firstTime("b");
        ingest.firstTime("c");

        assertThat(ingest.firstTime("a")).isTrue();
        assertThat(ingest.firstTime("c")).isFalse();
    }
}
