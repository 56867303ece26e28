package io.reachproof.cli;

import io.reachproof.coordinator.telemetry.Telemetry;

/** How the commands describe the coordinator's telemetry (started by the assembly from {@code OTEL_*} / {@code otel.*}). */
final class TelemetryStartup {

    private TelemetryStartup() {
    }

    /** One line for a command's banner: where metrics are served and whether traces go anywhere. */
    static String describe(Telemetry telemetry, String coordinatorUrl) {
        String exported = telemetry.tracesExported() && telemetry.metricsExported() ? "traces and metrics"
                : telemetry.tracesExported() ? "traces" : telemetry.metricsExported() ? "metrics" : "";
        return "metrics: " + coordinatorUrl + "/metrics (Prometheus)" + (exported.isEmpty()
                ? "; set OTEL_EXPORTER_OTLP_ENDPOINT to export traces and metrics"
                : "; exporting " + exported + " (OTEL_* settings)");
    }
}
