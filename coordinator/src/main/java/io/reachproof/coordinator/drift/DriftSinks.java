package io.reachproof.coordinator.drift;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.reachproof.coordinator.kube.KubernetesEventSink;
import io.reachproof.coordinator.rollback.WebhookSink;
import io.reachproof.protocol.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where drift signals go: the rollback webhook, as event {@value #EVENT} (same signing, retries and idempotency
 * header), and a Kubernetes Event on the drifted NetworkPolicy in each cluster where it is missing, different or
 * extra (reason {@value #REASON}, Warning; {@value #RESOLVED_REASON}, Normal, when the drift ended).
 */
public final class DriftSinks {

    public static final String EVENT = "drift";
    public static final String SCHEMA = "reachproof.io/drift-signal/v1";
    public static final String REASON = "PolicyDrift";
    public static final String RESOLVED_REASON = "PolicyInSync";

    private static final Logger LOG = LoggerFactory.getLogger(DriftSinks.class);

    private DriftSinks() {
    }

    /**
     * The webhook body: {@code {"schema","idempotencyKey","event":"drift","state":"drifted|resolved","group",
     * "namespace","name","clusters":{...},"reference","fields":[...],"cellsAffected","at"}}.
     */
    public static byte[] body(DriftSignal signal) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("schema", SCHEMA);
        o.put("idempotencyKey", signal.idempotencyKey());
        o.put("event", EVENT);
        o.put("state", signal.resolved() ? "resolved" : "drifted");
        o.put("group", signal.group());
        o.put("namespace", signal.entry().namespace());
        o.put("name", signal.entry().name());
        ObjectNode clusters = o.putObject("clusters");
        signal.entry().clusters().forEach((c, s) -> clusters.put(c, s.spelling()));
        o.put("reference", signal.entry().reference());
        ArrayNode fields = o.putArray("fields");
        signal.entry().fields().forEach(fields::add);
        o.put("cellsAffected", signal.entry().cellsAffected());
        o.put("at", Instant.ofEpochMilli(signal.atEpochMillis()).toString());
        try {
            return Json.mapper().writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** Sends each signal to {@code webhook}. */
    public static Consumer<DriftSignal> webhook(WebhookSink webhook) {
        requireNonNull(webhook, "webhook");
        return s -> webhook.send(s.idempotencyKey(), EVENT, "sync group " + s.group(), body(s));
    }

    /** Records each signal as Events in the drifted clusters of {@code clients}, from a thread of its own. */
    public static Events events(Map<String, KubernetesClient> clients, String instance) {
        return new Events(Map.copyOf(clients), instance);
    }

    /** The Event sink; {@link #close()} stops its thread (not the clients). */
    public static final class Events implements Consumer<DriftSignal>, AutoCloseable {
        private final Map<String, KubernetesClient> clients;
        private final String instance;
        private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "reachproof-drift-events");
            t.setDaemon(true);
            return t;
        });

        Events(Map<String, KubernetesClient> clients, String instance) {
            this.clients = clients;
            this.instance = requireNonNull(instance, "instance");
        }

        @Override
        public void accept(DriftSignal signal) {
            for (String cluster : signal.drifted()) {
                KubernetesClient client = clients.get(cluster);
                if (client == null) {
                    continue;
                }
                Event event = event(signal, instance, Instant.now());
                try {
                    executor.execute(() -> create(cluster, client, event));
                } catch (RejectedExecutionException e) {
                    LOG.warn("drift Event sink stopped; {} not recorded in {}", signal.idempotencyKey(), cluster);
                }
            }
        }

        private static void create(String cluster, KubernetesClient client, Event event) {
            try {
                client.events().v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    LOG.warn("cannot record drift Event {} in {} (HTTP {}): {}", event.getMetadata().getName(), cluster,
                            e.getCode(), e.getMessage());
                }
            }
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }

    /** The Event {@code signal} becomes in a drifted cluster: on the NetworkPolicy, named after the key. Pure. */
    static Event event(DriftSignal signal, String instance, Instant now) {
        String name = signal.entry().name();
        String keyPart = signal.idempotencyKey().substring(signal.idempotencyKey().indexOf('-') + 1, 4 + 16);
        String base = name.length() > 253 - 23 ? name.substring(0, 253 - 23) : name;
        List<String> lines = new ArrayList<>();
        lines.add(signal.describe());
        lines.addAll(signal.entry().fields());
        String note = String.join("\n", lines);
        return new EventBuilder()
                .withNewMetadata()
                    .withName(base + ".drift." + keyPart)
                    .withNamespace(signal.entry().namespace())
                    .addToLabels(KubernetesEventSink.KEY_LABEL, signal.idempotencyKey())
                .endMetadata()
                .withEventTime(KubernetesEventSink.eventTime(now))
                .withReportingController(KubernetesEventSink.CONTROLLER)
                .withReportingInstance(instance)
                .withAction("CompareSyncGroup")
                .withReason(signal.resolved() ? RESOLVED_REASON : REASON)
                .withType(signal.resolved() ? "Normal" : "Warning")
                .withRegarding(new ObjectReferenceBuilder().withApiVersion("networking.k8s.io/v1").withKind("NetworkPolicy")
                        .withNamespace(signal.entry().namespace()).withName(name).build())
                .withNote(KubernetesEventSink.note(note))
                .build();
    }
}
