package io.reachproof.coordinator.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.coordinator.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class ExporterLogThrottleTest {

    private static final String EXPORTER = "io.opentelemetry.exporter.otlp.internal.HttpExporter";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T12:00:00Z"));
    private final CapturingHandler sink = new CapturingHandler();
    private final ExporterLogThrottle throttle = new ExporterLogThrottle(sink, clock, Duration.ofMinutes(10));

    private static LogRecord record(Level level, String logger, String message) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName(logger);
        return r;
    }

    @Test
    void repeatedFailureIsLoggedOnceThenOncePerQuietPeriodWithTheCountHeldBack() {
        for (int i = 0; i < 5; i++) {
            throttle.publish(record(Level.SEVERE, EXPORTER,
                    "Failed to export spans. The request could not be executed. Error message: Connection refused " + i));
            clock.advance(Duration.ofSeconds(30));
        }
        assertThat(sink.messages()).containsExactly(
                "Failed to export spans. The request could not be executed. Error message: Connection refused 0");

        clock.advance(Duration.ofMinutes(8));
        throttle.publish(record(Level.SEVERE, EXPORTER,
                "Failed to export spans. The request could not be executed. Error message: Connection refused 5"));

        assertThat(sink.messages()).containsExactly(
                "Failed to export spans. The request could not be executed. Error message: Connection refused 0",
                "Failed to export spans. The request could not be executed. Error message: Connection refused 5"
                        + " (4 more like this held back in the last 10 min)");
    }

    @Test
    void differentFailuresAreThrottledSeparately() {
        throttle.publish(record(Level.SEVERE, EXPORTER, "Failed to export spans. Refused"));
        throttle.publish(record(Level.SEVERE, EXPORTER, "Failed to export metrics. Refused"));
        throttle.publish(record(Level.WARNING, "io.opentelemetry.sdk.metrics.export.PeriodicMetricReader",
                "Exporter failed"));
        throttle.publish(record(Level.SEVERE, EXPORTER, "Failed to export metrics. Refused again"));

        assertThat(sink.messages()).containsExactly("Failed to export spans. Refused",
                "Failed to export metrics. Refused", "Exporter failed");
    }

    @Test
    void recordsBelowWarningPassUnthrottled() {
        throttle.publish(record(Level.INFO, EXPORTER, "Using OTLP. Endpoint x"));
        throttle.publish(record(Level.INFO, EXPORTER, "Using OTLP. Endpoint x"));

        assertThat(sink.messages()).hasSize(2);
    }

    @Test
    void heldBackRecordKeepsLoggerLevelAndThrowable() {
        IllegalStateException cause = new IllegalStateException("refused");
        throttle.publish(record(Level.SEVERE, EXPORTER, "Failed to export spans. x"));
        throttle.publish(record(Level.SEVERE, EXPORTER, "Failed to export spans. y"));
        clock.advance(Duration.ofMinutes(10));
        LogRecord third = record(Level.SEVERE, EXPORTER, "Failed to export spans. z");
        third.setThrown(cause);
        throttle.publish(third);

        LogRecord out = sink.records.get(1);
        assertThat(out.getLoggerName()).isEqualTo(EXPORTER);
        assertThat(out.getLevel()).isEqualTo(Level.SEVERE);
        assertThat(out.getThrown()).isSameAs(cause);
        assertThat(out.getMessage()).isEqualTo("Failed to export spans. z (1 more like this held back in the last 10 min)");
    }

    @Test
    void quietPeriodMustBePositive() {
        assertThatThrownBy(() -> new ExporterLogThrottle(sink, clock, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("quietPeriod must be positive: PT0S");
    }

    @Test
    void signatureIsTheFirstSentenceWithNumbersBlanked() {
        assertThat(List.of(ExporterLogThrottle.signature("Failed to export 12 spans. The request failed."),
                ExporterLogThrottle.signature("Exporter failed"),
                ExporterLogThrottle.signature(null)))
                .containsExactly("Failed to export N spans.", "Exporter failed", "");
    }

    @Test
    void warningsThatDifferOnlyInANumberAreAlike() {
        throttle.publish(record(Level.SEVERE, EXPORTER, "Failed to export 10 metrics. Refused"));
        throttle.publish(record(Level.SEVERE, EXPORTER, "Failed to export 12 metrics. Refused"));

        assertThat(sink.messages()).containsExactly("Failed to export 10 metrics. Refused");
    }
}
