package io.reachproof.cli;

import io.reachproof.coordinator.telemetry.Telemetry;

/** The coordinator's telemetry as the commands start it: from {@code OTEL_*} / {@code otel.*}, errors as user errors. */
final class TelemetryStartup {

    private TelemetryStartup() {
    }

    /** Telemetry from the environment; an invalid {@code OTEL_*} setting exits 1 naming it. */
    static Telemetry fromEnvironment() {
        try {
            return Telemetry.fromEnvironment();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
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
