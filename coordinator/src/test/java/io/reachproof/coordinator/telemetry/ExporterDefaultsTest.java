package io.reachproof.coordinator.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExporterDefaultsTest {

    private static Map<String, String> overrides(Map<String, String> config) {
        return ExporterDefaults.overrides(DefaultConfigProperties.createFromMap(config), "reachproof-coordinator");
    }

    @Test
    void nothingConfiguredTurnsEveryExporterOffAndNamesTheService() {
        assertThat(overrides(Map.of())).isEqualTo(Map.of(
                "otel.traces.exporter", "none",
                "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none",
                "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.service.name", "reachproof-coordinator"));
    }

    @Test
    void anEndpointLeavesTracesAndMetricsToTheirOtlpDefaultOverHttpProtobuf() {
        assertThat(overrides(Map.of("otel.exporter.otlp.endpoint", "http://collector:4318"))).isEqualTo(Map.of(
                "otel.logs.exporter", "none",
                "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.service.name", "reachproof-coordinator"));
    }

    @Test
    void aSignalEndpointEnablesOnlyThatSignal() {
        assertThat(overrides(Map.of("otel.exporter.otlp.traces.endpoint", "http://collector:4318/v1/traces")))
                .doesNotContainKey("otel.traces.exporter")
                .containsEntry("otel.metrics.exporter", "none");
        assertThat(overrides(Map.of("otel.exporter.otlp.metrics.endpoint", "http://collector:4318/v1/metrics")))
                .doesNotContainKey("otel.metrics.exporter")
                .containsEntry("otel.traces.exporter", "none");
    }

    @Test
    void explicitExportersProtocolAndServiceNameAreKept() {
        assertThat(overrides(Map.of(
                "otel.traces.exporter", "console",
                "otel.metrics.exporter", "otlp",
                "otel.logs.exporter", "otlp",
                "otel.exporter.otlp.protocol", "grpc",
                "otel.service.name", "coordinator-eu"))).isEmpty();
    }

    @Test
    void serviceNameInResourceAttributesWins() {
        assertThat(overrides(Map.of("otel.resource.attributes", "service.name=prober,deployment.environment=prod")))
                .doesNotContainKey("otel.service.name");
    }
}
