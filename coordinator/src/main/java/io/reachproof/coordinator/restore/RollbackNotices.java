package io.reachproof.coordinator.restore;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where rollbacks are reported: the webhook (event {@value #APPLIED_EVENT} for a rollback written, {@value #EVENT} for
 * every other outcome; same signing, retries and idempotency header as rollback signals; the body is the record,
 * {@link RollbackJsonTree#record}, with {@code schema} and {@code event}) and an Event in the cluster on each
 * NetworkPolicy written (or on the suspect policy when nothing was written). Called on the rollback thread.
 */
public final class RollbackNotices {

    public static final String APPLIED_EVENT = "rolledBack";
    public static final String EVENT = "rollback";
    public static final String SCHEMA = "reachproof.io/rollback/v1";

    private static final Logger LOG = LoggerFactory.getLogger(RollbackNotices.class);

    private RollbackNotices() {
    }

    public static byte[] body(RollbackRecord r) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("schema", SCHEMA);
        o.put("event", event(r));
        o.setAll(RollbackJsonTree.record(r));
        try {
            return Json.mapper().writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    static String event(RollbackRecord r) {
        return r.outcome() == RollbackRecord.Outcome.APPLIED ? APPLIED_EVENT : EVENT;
    }

    public static Consumer<RollbackRecord> webhook(WebhookSink webhook) {
        requireNonNull(webhook, "webhook");
        return r -> webhook.send(r.id(), event(r), "cluster " + r.cluster(), body(r));
    }

    /** Records each rollback as Events in its cluster (synchronously: rollbacks run on a thread of their own). */
    public static Consumer<RollbackRecord> events(Map<String, KubernetesClient> clients, String instance) {
        Map<String, KubernetesClient> byCluster = Map.copyOf(clients);
        return r -> {
            KubernetesClient client = byCluster.get(r.cluster());
            if (client == null) {
                return;
            }
            for (Event e : events(r, instance, Instant.now())) {
                try {
                    client.events().v1().events().inNamespace(e.getMetadata().getNamespace()).resource(e).create();
                } catch (KubernetesClientException x) {
                    if (x.getCode() != 409) {
                        LOG.warn("cannot record rollback Event {} in {} (HTTP {}): {}", e.getMetadata().getName(), r.cluster(),
                                x.getCode(), x.getMessage());
                    }
                }
            }
        };
    }

    /** The Events of {@code r}: reason RolledBack, RollbackDryRun, RollbackNotAgain, ... on each policy concerned. Pure. */
    static List<Event> events(RollbackRecord r, String instance, Instant now) {
        List<String[]> on = new ArrayList<>();
        r.actions().forEach(a -> on.add(new String[] {a.namespace(), a.name()}));
        if (on.isEmpty() && r.suspectChange() != null) {
            on.add(new String[] {r.suspectChange().namespace(), r.suspectChange().name()});
        }
        String reason = switch (r.outcome()) {
            case APPLIED -> "RolledBack";
            case DRY_RUN -> "RollbackDryRun";
            case NOT_AGAIN -> "RollbackNotAgain";
            case NOTHING_PROVEN -> "RollbackNothingProven";
            case NOTHING_TO_DO -> "RollbackNothingToDo";
            case FAILED -> "RollbackFailed";
        };
        boolean warning = r.outcome() != RollbackRecord.Outcome.APPLIED && r.outcome() != RollbackRecord.Outcome.DRY_RUN;
        String note = KubernetesEventSink.note(r.message());
        List<Event> out = new ArrayList<>();
        for (String[] p : on) {
            String base = p[1].length() > 253 - 23 ? p[1].substring(0, 253 - 23) : p[1];
            out.add(new EventBuilder()
                    .withNewMetadata()
                        .withName(base + ".rb." + r.id().substring(3, 19))
                        .withNamespace(p[0])
                        .addToLabels(KubernetesEventSink.KEY_LABEL, r.id())
                    .endMetadata()
                    .withEventTime(KubernetesEventSink.eventTime(now))
                    .withReportingController(KubernetesEventSink.CONTROLLER)
                    .withReportingInstance(instance)
                    .withAction("RollBack")
                    .withReason(reason)
                    .withType(warning ? "Warning" : "Normal")
                    .withRegarding(new ObjectReferenceBuilder().withApiVersion("networking.k8s.io/v1").withKind("NetworkPolicy")
                            .withNamespace(p[0]).withName(p[1]).build())
                    .withNote(note)
                    .build());
        }
        return out;
    }
}
