package io.reachproof.coordinator.telemetry;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.reachproof.coordinator.api.ApiResponse;
import io.reachproof.coordinator.api.ApiRoute;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code GET /metrics}: every reachproof metric in the Prometheus text format (version 0.0.4), rendered
 * from the SDK by the OpenTelemetry Prometheus reader on each scrape. Served on the coordinator's own
 * HTTP port rather than by the reader's own server.
 */
public final class MetricsRoute {

    public static final String PATH = "/metrics";

    private MetricsRoute() {
    }

    static ApiRoute of(PrometheusMetricReader reader) {
        requireNonNull(reader, "reader");
        PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
        return ApiRoute.of("GET", PATH, request -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
            try {
                writer.write(out, reader.collect());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot render metrics", e);
            }
            return ApiResponse.of(200, writer.getContentType(), out.toByteArray());
        });
    }
}
