package io.reachproof.coordinator.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import io.reachproof.coordinator.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A collector that is down: the real OTLP exporter fails every export, and the log says so once. */
class CollectorDownTest {

    private static final long T0 = 1_790_000_000_000L;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T12:00:00Z"));
    private final CapturingHandler sink = new CapturingHandler();
    private Telemetry telemetry;

    @BeforeEach
    void start() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        telemetry = Telemetry.builder()
                .properties(Map.of(
                        "otel.exporter.otlp.endpoint", "http://127.0.0.1:" + closedPort,
                        "otel.metric.export.interval", "3600000",
                        // one attempt per export keeps the test fast; production keeps the SDK's retries
                        "otel.java.exporter.otlp.retry.disabled", "true"))
                .exporterLogSink(sink)
                .clock(clock)
                .exporterLogQuietPeriod(Duration.ofMinutes(10))
                .build();
    }

    @AfterEach
    void stop() {
        telemetry.close();
    }

    @Test
    void everyFailedExportIsHeldBackAfterTheFirstUntilTheQuietPeriodEnds() {
        for (int i = 0; i < 4; i++) {
            telemetry.roundListener().onRound(LabReports.round("r-" + i, T0 + i * 5_000L, true, null));
            telemetry.flush(Duration.ofSeconds(10));
            clock.advance(Duration.ofMinutes(1));
        }

        List<String> firstWindow = warnings();
        assertThat(firstWindow).anyMatch(CollectorDownTest::spansFailed).anyMatch(CollectorDownTest::metricsFailed);
        assertThat(firstWindow).doesNotHaveDuplicates()
                .allSatisfy(m -> assertThat(m).doesNotContain("held back"));
        assertThat(firstWindow.stream().map(ExporterLogThrottle::signature)).doesNotHaveDuplicates();

        clock.advance(Duration.ofMinutes(7));
        telemetry.roundListener().onRound(LabReports.round("r-4", T0 + 20_000L, true, null));
        telemetry.flush(Duration.ofSeconds(10));

        List<String> all = warnings();
        assertThat(all).hasSize(firstWindow.size() * 2);
        assertThat(all.subList(firstWindow.size(), all.size()))
                .anyMatch(m -> spansFailed(m) && m.endsWith("(3 more like this held back in the last 10 min)"))
                .anyMatch(m -> metricsFailed(m) && m.endsWith("(3 more like this held back in the last 10 min)"));
    }

    private static boolean spansFailed(String message) {
        return message.matches("Failed to export [0-9]+ spans\\. .*");
    }

    private static boolean metricsFailed(String message) {
        return message.matches("Failed to export [0-9]+ metrics\\. .*");
    }

    private List<String> warnings() {
        return sink.records.stream()
                .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogRecord::getMessage)
                .toList();
    }
}
