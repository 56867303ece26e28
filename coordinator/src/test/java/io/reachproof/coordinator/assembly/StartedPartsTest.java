package io.reachproof.coordinator.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartedPartsTest {

    private final List<String> stopped = new ArrayList<>();
    private final StartedParts parts = new StartedParts();

    private void start(String name) {
        parts.started(name, () -> stopped.add(name));
    }

    @Test
    void closeStopsThePartsTheLastStartedFirst() {
        start("telemetry");
        start("round service");
        start("API server");

        parts.close();

        assertThat(stopped).containsExactly("API server", "round service", "telemetry");
        assertThat(parts.closed()).containsExactly("API server", "round service", "telemetry");
        assertThat(parts.running()).isEmpty();
    }

    @Test
    void aPartThatCannotStopDoesNotKeepTheOthersRunning() {
        start("telemetry");
        parts.started("API server", () -> {
            throw new IllegalStateException("port stuck");
        });
        start("round schedule");

        parts.close();

        assertThat(stopped).containsExactly("round schedule", "telemetry");
        assertThat(parts.closed()).containsExactly("round schedule", "API server", "telemetry");
    }

    @Test
    void closingTwiceStopsNothingTwice() {
        start("telemetry");
        parts.close();

        parts.close();

        assertThat(stopped).containsExactly("telemetry");
    }
}
