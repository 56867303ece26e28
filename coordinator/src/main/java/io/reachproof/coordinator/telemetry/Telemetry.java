package io.reachproof.coordinator.telemetry;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.reachproof.coordinator.api.ApiRoute;
import io.reachproof.coordinator.round.RoundListener;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The coordinator's OpenTelemetry: an SDK configured the standard way (the autoconfigure module reads
 * {@code OTEL_*} environment variables and {@code otel.*} system properties; see {@link ExporterDefaults}
 * for what reachproof changes: nothing is exported unless configured), a {@link RoundListener} that turns
 * finished rounds into traces and metrics, and the Prometheus {@code GET /metrics} route.
 *
 * <p>Wiring: build one in {@code main} ({@link #fromEnvironment()}), {@link #install} it into the
 * coordinator before {@code start()} (its listener first, so later listeners see the trace id), and
 * {@link #close()} it after the coordinator on shutdown (it flushes what is pending; the SDK's own shutdown
 * hook is off).
 */
public final class Telemetry implements AutoCloseable {

    public static final String COORDINATOR_SERVICE = "reachproof-coordinator";
    static final String SCOPE = "io.reachproof.coordinator";
    static final String SDK_LOGGER = "io.opentelemetry";

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(Telemetry.class);

    private final OpenTelemetrySdk sdk;
    private final boolean tracesExported;
    private final boolean metricsExported;
    private final RoundListener listener;
    private final ApiRoute metricsRoute;
    private final Logger sdkLogger;
    private final ExporterLogThrottle logThrottle;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Bounds {@link #freshTraceFlush}: 100 requests 1 ms apart at most. */
    private static final int STALE_FLUSH_RETRIES = 100;
    private static final long STALE_FLUSH_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private Telemetry(Builder b) {
        // the SDK logs through java.util.logging: route it to SLF4J, throttled, before it says anything
        sdkLogger = Logger.getLogger(SDK_LOGGER);
        logThrottle = new ExporterLogThrottle(b.exporterLogSink != null ? b.exporterLogSink : new SLF4JBridgeHandler(),
                b.clock, b.exporterLogQuietPeriod);
        sdkLogger.addHandler(logThrottle);
        sdkLogger.setUseParentHandlers(false);

        // no otel_scope_* labels: one scope, and shorter lines for every scrape
        PrometheusMetricReader prometheus = PrometheusMetricReader.builder().setOtelScopeLabelsEnabled(false).build();
        AtomicBoolean spanExporter = new AtomicBoolean();
        AtomicBoolean metricExporter = new AtomicBoolean();
        String version = b.serviceVersion;
        Map<String, String> properties = Map.copyOf(b.properties);
        String serviceName = b.serviceName;
        try {
            sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> properties)
                    .addPropertiesCustomizer(config -> ExporterDefaults.overrides(config, serviceName))
                    .addResourceCustomizer((resource, config) ->
                            resource.getAttribute(ReachproofAttributes.SERVICE_VERSION) != null ? resource
                                    : resource.merge(Resource.create(
                                            Attributes.of(ReachproofAttributes.SERVICE_VERSION, version))))
                    .addMeterProviderCustomizer((meters, config) -> meters.registerMetricReader(prometheus))
                    .addSpanExporterCustomizer((exporter, config) -> {
                        spanExporter.set(true);
                        return exporter;
                    })
                    .addMetricExporterCustomizer((exporter, config) -> {
                        metricExporter.set(true);
                        return exporter;
                    })
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
        } catch (ConfigurationException e) {
            uninstallLogThrottle();
            throw new IllegalArgumentException("invalid OpenTelemetry configuration (OTEL_* environment / otel.*"
                    + " properties): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            uninstallLogThrottle();
            throw e;
        }
        tracesExported = spanExporter.get();
        metricsExported = metricExporter.get();
        RoundMetrics metrics = new RoundMetrics(sdk.getMeterProvider().meterBuilder(SCOPE)
                .setInstrumentationVersion(version).build());
        List<RoundListener> listeners = new ArrayList<>();
        if (tracesExported) {
            listeners.add(new RoundTracer(sdk.getTracerProvider().tracerBuilder(SCOPE)
                    .setInstrumentationVersion(version).build(), RoundTracer.MAX_MISMATCH_SPANS));
        }
        listeners.add(metrics);
        listener = RoundListener.composite(listeners);
        metricsRoute = MetricsRoute.of(prometheus);
        LOG.info("telemetry: traces {}, metrics {}, Prometheus metrics at {}",
                tracesExported ? "exported" : "not exported (no OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_TRACES_EXPORTER)",
                metricsExported ? "exported" : "not exported (no OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_METRICS_EXPORTER)",
                MetricsRoute.PATH);
    }

    /**
     * Configured from the process's {@code OTEL_*} environment and {@code otel.*} system properties.
     *
     * @throws IllegalArgumentException naming the setting when the configuration is invalid
     */
    public static Telemetry fromEnvironment() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Turns every finished round into spans (when traces are exported) and metrics; adds the trace id. */
    public RoundListener roundListener() {
        return listener;
    }

    /** {@code GET /metrics} in the Prometheus text format, for the coordinator's HTTP server. */
    public ApiRoute metricsRoute() {
        return metricsRoute;
    }

    /** True when a span exporter is configured: rounds become traces and reports carry trace ids. */
    public boolean tracesExported() {
        return tracesExported;
    }

    /** True when a metric exporter (OTLP or other) is configured besides the Prometheus route. */
    public boolean metricsExported() {
        return metricsExported;
    }

    /**
     * Reports {@code reachproof_policy_watch_up{k8s_cluster_name}}: 1 while the NetworkPolicy watch of a
     * cluster is open, 0 while it reconnects to a lost API server (its policies in force are then as last
     * seen). {@code watching} maps each watched cluster to its watch's state; asked at every collection.
     */
    public void observePolicyWatches(Map<String, BooleanSupplier> watching) {
        Map<String, BooleanSupplier> watches = Map.copyOf(watching);
        sdk.getMeterProvider().meterBuilder(SCOPE).build()
                .gaugeBuilder("reachproof.policy_watch.up").ofLongs()
                .setDescription("1 while the NetworkPolicy watch of a cluster is open, 0 while it reconnects")
                .buildWithCallback(m -> watches.forEach((cluster, up) ->
                        m.record(up.getAsBoolean() ? 1 : 0, Attributes.of(ReachproofAttributes.K8S_CLUSTER_NAME, cluster))));
    }

    /**
     * {@code reachproof.policy_drift} ({@code reachproof_policy_drift} in Prometheus): the NetworkPolicies of a sync
     * group missing, different or extra in a cluster and namespace, as {@code drifted} says (keys: cluster,
     * namespace). No pod labels: one series per cluster and namespace.
     */
    public void observePolicyDrift(Supplier<Map<List<String>, Long>> drifted) {
        sdk.getMeterProvider().meterBuilder(SCOPE).build()
                .gaugeBuilder("reachproof.policy_drift").ofLongs()
                .setDescription("NetworkPolicies of a sync group missing, different or extra in this cluster and namespace")
                .buildWithCallback(m -> drifted.get().forEach((where, count) -> m.record(count, Attributes.of(
                        ReachproofAttributes.K8S_CLUSTER_NAME, where.get(0), ReachproofAttributes.K8S_NAMESPACE_NAME,
                        where.get(1)))));
    }

    /**
     * The proof record's store: {@code reachproof.store.up} (1 while its writes reach the database),
     * {@code reachproof.store.pending} (writes waiting in the buffer) and {@code reachproof.store.dropped} (writes
     * dropped since start because the buffer was full).
     */
    public void observeStore(BooleanSupplier up, java.util.function.LongSupplier pending,
            java.util.function.LongSupplier dropped) {
        io.opentelemetry.api.metrics.Meter meter = sdk.getMeterProvider().meterBuilder(SCOPE).build();
        meter.gaugeBuilder("reachproof.store.up").ofLongs()
                .setDescription("1 while the proof record's writes reach the database, 0 while they wait")
                .buildWithCallback(m -> m.record(up.getAsBoolean() ? 1 : 0));
        meter.gaugeBuilder("reachproof.store.pending").ofLongs()
                .setDescription("proof record writes waiting for the database")
                .buildWithCallback(m -> m.record(pending.getAsLong()));
        meter.counterBuilder("reachproof.store.dropped")
                .setDescription("proof record writes dropped because the buffer was full")
                .buildWithCallback(m -> m.record(dropped.getAsLong()));
    }

    /** The SDK, for instrumentation beyond rounds. */
    public OpenTelemetrySdk sdk() {
        return sdk;
    }

    /**
     * Exports what is pending now and waits until the export was attempted or {@code timeout} passed. A
     * failed export is the SDK's to log (throttled); spans and points it could not deliver are dropped.
     */
    public void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableResultCode traces = freshTraceFlush(deadline);
        CompletableResultCode metrics = sdk.getSdkMeterProvider().forceFlush();
        CompletableResultCode.ofAll(List.of(traces, metrics))
                .join(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /**
     * A trace flush that covers the spans ended before this call. The SDK's batch span processor completes
     * a flush request before it clears it, so a request made in that instant is handed the previous,
     * already complete result and exports nothing (the spans then wait for the next scheduled export). A
     * request the processor really took is never complete on return: ask again until one is, briefly.
     */
    private CompletableResultCode freshTraceFlush(long deadline) {
        CompletableResultCode result = sdk.getSdkTracerProvider().forceFlush();
        if (!tracesExported || closed.get()) {
            return result;
        }
        for (int attempt = 0; result.isDone() && attempt < STALE_FLUSH_RETRIES && System.nanoTime() < deadline;
                attempt++) {
            LockSupport.parkNanos(STALE_FLUSH_PAUSE_NANOS);
            result = sdk.getSdkTracerProvider().forceFlush();
        }
        return result;
    }

    /** Flushes and shuts the SDK down (bounded: 10 s), then restores the SDK's logging. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            sdk.shutdown().join(10, TimeUnit.SECONDS);
        } finally {
            uninstallLogThrottle();
        }
    }

    private void uninstallLogThrottle() {
        sdkLogger.removeHandler(logThrottle);
        if (sdkLogger.getHandlers().length == 0) {
            sdkLogger.setUseParentHandlers(true);
        }
    }

    /** Options of a {@link Telemetry}; every one has a production default. */
    public static final class Builder {
        private Map<String, String> properties = Map.of();
        private String serviceName = COORDINATOR_SERVICE;
        private String serviceVersion = ServiceVersion.current();
        private Handler exporterLogSink;
        private Clock clock = Clock.systemUTC();
        private Duration exporterLogQuietPeriod = Duration.ofMinutes(10);

        private Builder() {
        }

        /**
         * OpenTelemetry properties ({@code otel.*} keys) with the lowest precedence: the {@code OTEL_*}
         * environment and {@code otel.*} system properties override them.
         */
        public Builder properties(Map<String, String> properties) {
            this.properties = Map.copyOf(requireNonNull(properties, "properties"));
            return this;
        }

        /** {@code service.name} unless {@code OTEL_SERVICE_NAME} says otherwise. */
        public Builder serviceName(String serviceName) {
            this.serviceName = requireNonNull(serviceName, "serviceName");
            return this;
        }

        public Builder serviceVersion(String serviceVersion) {
            this.serviceVersion = requireNonNull(serviceVersion, "serviceVersion");
            return this;
        }

        /** Where the SDK's own (throttled) log records go; default: SLF4J. */
        public Builder exporterLogSink(Handler sink) {
            this.exporterLogSink = requireNonNull(sink, "sink");
            return this;
        }

        /** How long a repeated SDK warning (e.g. "Failed to export spans.") stays quiet after it was logged. */
        public Builder exporterLogQuietPeriod(Duration quietPeriod) {
            this.exporterLogQuietPeriod = requireNonNull(quietPeriod, "quietPeriod");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        public Telemetry build() {
            return new Telemetry(this);
        }
    }
}
