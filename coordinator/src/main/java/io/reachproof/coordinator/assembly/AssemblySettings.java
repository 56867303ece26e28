package io.reachproof.coordinator.assembly;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.signal.SignalTracker.Confirmations;
import io.reachproof.coordinator.store.RecordSettings;
import io.reachproof.coordinator.rollback.WebhookConfig;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.RoundListener;
import io.reachproof.coordinator.telemetry.Telemetry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Everything a {@link CoordinatorAssembly} is built from, typed and validated; a command reads its options and
 * files into one of these and starts the assembly with it.
 *
 * @param telemetry makes the telemetry (the first part started); an IllegalArgumentException from it (a bad
 *     {@code OTEL_*} setting) fails the start with its message
 * @param webhook where rollback signals are posted, if anywhere
 * @param kubernetes watched clusters and leader election, if Kubernetes is used at all
 * @param listeners round listeners of the command (the lab's table): they hear each finished round after the
 *     telemetry (so the report carries its trace id) and before the rollback signals
 * @param record where the proof record is kept (rounds, episodes, versions), if anywhere
 */
public record AssemblySettings(
        CoordinatorSettings coordinator,
        List<LoadedExpectation> expectations,
        Supplier<Telemetry> telemetry,
        Optional<WebhookConfig> webhook,
        Optional<KubernetesSettings> kubernetes,
        List<RoundListener> listeners,
        Confirmations confirmations,
        Clock clock,
        Optional<RecordSettings> record) {

    public AssemblySettings {
        requireNonNull(coordinator, "coordinator");
        expectations = List.copyOf(requireNonNull(expectations, "expectations"));
        requireNonNull(telemetry, "telemetry");
        requireNonNull(webhook, "webhook");
        requireNonNull(kubernetes, "kubernetes");
        listeners = List.copyOf(requireNonNull(listeners, "listeners"));
        requireNonNull(confirmations, "confirmations");
        requireNonNull(clock, "clock");
        requireNonNull(record, "record");
        if (expectations.isEmpty()) {
            throw new IllegalArgumentException("expectations must name at least one set");
        }
        kubernetes.ifPresent(k -> k.clusters().forEach(c -> {
            if (!coordinator.tokens().containsKey(c.name())
                    && !coordinator.agentAuth().tokenReviewClusters().contains(c.name())) {
                throw new IllegalArgumentException(c.label() + ": no token for cluster " + c.name());
            }
        }));
    }

    /**
     * {@code expectations} under {@code coordinator}: telemetry from the environment, no webhook, no Kubernetes,
     * no listeners of its own, default confirmations, the system clock.
     */
    public static AssemblySettings of(CoordinatorSettings coordinator, List<LoadedExpectation> expectations) {
        return new AssemblySettings(coordinator, expectations, Telemetry::fromEnvironment, Optional.empty(),
                Optional.empty(), List.of(), Confirmations.DEFAULT, Clock.systemUTC(), Optional.empty());
    }

    public AssemblySettings withCoordinator(CoordinatorSettings value) {
        return new AssemblySettings(value, expectations, telemetry, webhook, kubernetes, listeners, confirmations, clock, record);
    }

    public AssemblySettings withTelemetry(Supplier<Telemetry> value) {
        return new AssemblySettings(coordinator, expectations, value, webhook, kubernetes, listeners, confirmations, clock, record);
    }

    public AssemblySettings withWebhook(Optional<WebhookConfig> value) {
        return new AssemblySettings(coordinator, expectations, telemetry, value, kubernetes, listeners, confirmations, clock, record);
    }

    public AssemblySettings withKubernetes(Optional<KubernetesSettings> value) {
        return new AssemblySettings(coordinator, expectations, telemetry, webhook, value, listeners, confirmations, clock, record);
    }

    public AssemblySettings withListeners(List<RoundListener> value) {
        return new AssemblySettings(coordinator, expectations, telemetry, webhook, kubernetes, value, confirmations, clock, record);
    }

    public AssemblySettings withRecord(Optional<RecordSettings> value) {
        return new AssemblySettings(coordinator, expectations, telemetry, webhook, kubernetes, listeners, confirmations, clock,
                value);
    }
}
