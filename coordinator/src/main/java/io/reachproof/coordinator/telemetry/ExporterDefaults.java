package io.reachproof.coordinator.telemetry;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.util.HashMap;
import java.util.Map;

/**
 * What reachproof adds to the standard OpenTelemetry configuration ({@code OTEL_*} environment
 * variables, {@code otel.*} system properties): nothing is exported unless something is configured.
 *
 * <ul>
 *   <li>traces: exporter {@code none} unless {@code otel.traces.exporter},
 *       {@code otel.exporter.otlp.endpoint} or {@code otel.exporter.otlp.traces.endpoint} is set;</li>
 *   <li>metrics: exporter {@code none} unless {@code otel.metrics.exporter},
 *       {@code otel.exporter.otlp.endpoint} or {@code otel.exporter.otlp.metrics.endpoint} is set
 *       (the Prometheus {@code /metrics} endpoint is served either way);</li>
 *   <li>logs: exporter {@code none} unless {@code otel.logs.exporter} is set (reachproof logs through
 *       SLF4J, not the OpenTelemetry log bridge);</li>
 *   <li>OTLP protocol {@code http/protobuf} (the OTLP specification's default; the Java SDK's own default
 *       is still gRPC) unless {@code otel.exporter.otlp.protocol} is set; {@code grpc} works with the
 *       default OkHttp sender (HTTP/2, no grpc-java needed);</li>
 *   <li>{@code service.name} defaults to the given name unless {@code otel.service.name} or a
 *       {@code service.name} in {@code otel.resource.attributes} is set.</li>
 * </ul>
 * Setting an endpoint alone enables OTLP over http/protobuf; {@code otel.exporter.otlp.protocol=grpc}
 * switches to gRPC (then point the endpoint at the collector's gRPC port, usually 4317).
 */
final class ExporterDefaults {

    static final String NONE = "none";
    static final String HTTP_PROTOBUF = "http/protobuf";

    private ExporterDefaults() {
    }

    /** The properties to set on top of {@code config}. */
    static Map<String, String> overrides(ConfigProperties config, String serviceName) {
        Map<String, String> out = new HashMap<>();
        boolean anyEndpoint = isSet(config, "otel.exporter.otlp.endpoint");
        if (!isSet(config, "otel.traces.exporter") && !anyEndpoint
                && !isSet(config, "otel.exporter.otlp.traces.endpoint")) {
            out.put("otel.traces.exporter", NONE);
        }
        if (!isSet(config, "otel.metrics.exporter") && !anyEndpoint
                && !isSet(config, "otel.exporter.otlp.metrics.endpoint")) {
            out.put("otel.metrics.exporter", NONE);
        }
        if (!isSet(config, "otel.exporter.otlp.protocol")) {
            out.put("otel.exporter.otlp.protocol", HTTP_PROTOBUF);
        }
        if (!isSet(config, "otel.logs.exporter")) {
            out.put("otel.logs.exporter", NONE);
        }
        if (!isSet(config, "otel.service.name")
                && !config.getMap("otel.resource.attributes").containsKey("service.name")) {
            out.put("otel.service.name", serviceName);
        }
        return out;
    }

    private static boolean isSet(ConfigProperties config, String key) {
        String value = config.getString(key);
        return value != null && !value.isBlank();
    }
}
