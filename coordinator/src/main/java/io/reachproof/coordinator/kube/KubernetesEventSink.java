package io.reachproof.coordinator.kube;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.coordinator.rollback.RollbackSink;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.MismatchText;
import io.reachproof.protocol.PolicyChange;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each signal as {@code events.k8s.io/v1} Events in one cluster. With one sink per cluster that
 * records Events (the {@code recording} clusters), each mismatch is recorded once, in one cluster
 * ({@link #recordedIn}): on the suspect NetworkPolicy when the change is known, may have caused the mismatch
 * (a NetworkPolicy acts only on pods of its own cluster, so it must be the source's or the destination's) and
 * its cluster records Events; else on the destination Namespace (the Event then lives in that namespace, where
 * its team looks) when the destination's cluster records Events; else nowhere. Each sink writes only what
 * belongs to its own cluster. Reason {@value #REASON} (type Warning) while firing, {@value #RESOLVED_REASON}
 * (type Normal) when resolved; the note names the cells. The Event's name ends in the signal's idempotency
 * key, so sending a signal twice records it once.
 */
public final class KubernetesEventSink implements RollbackSink {

    public static final String REASON = "ReachabilityMismatch";
    public static final String RESOLVED_REASON = "ReachabilityRestored";
    public static final String CONTROLLER = "reachproof.io/coordinator";
    public static final String KEY_LABEL = "reachproof.io/idempotency-key";
    public static final String EXPECTATION_LABEL = "reachproof.io/expectation";
    public static final String TRACE_ANNOTATION = "reachproof.io/trace-id";
    /** The API server rejects notes longer than 1 kB. */
    static final int MAX_NOTE = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesEventSink.class);
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final String cluster;
    private final Set<String> recording;
    private final KubernetesClient client;
    private final Executor executor;
    private final Runnable onClose;
    private final Clock clock;
    private final String instance;
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /**
     * A sink creating Events from its own thread; {@link #close()} stops it (not the client). {@code recording}:
     * every cluster that has an Event sink (this one among them).
     */
    public static KubernetesEventSink start(String cluster, KubernetesClient client, String instance,
            Set<String> recording) {
        ExecutorService executor = Executors.newSingleThreadExecutor(new DefaultThreadFactory("reachproof-k8s-events-" + cluster, true));
        return new KubernetesEventSink(cluster, client, executor, executor::shutdown, Clock.systemUTC(), instance,
                recording);
    }

    /** The only cluster that records Events. */
    public KubernetesEventSink(String cluster, KubernetesClient client, Executor executor, Runnable onClose,
            Clock clock, String instance) {
        this(cluster, client, executor, onClose, clock, instance, Set.of(cluster));
    }

    public KubernetesEventSink(String cluster, KubernetesClient client, Executor executor, Runnable onClose,
            Clock clock, String instance, Set<String> recording) {
        this.cluster = requireNonNull(cluster, "cluster");
        this.recording = Set.copyOf(requireNonNull(recording, "recording"));
        if (!this.recording.contains(cluster)) {
            throw new IllegalArgumentException("recording must contain the sink's own cluster " + cluster + ": "
                    + new TreeSet<>(this.recording));
        }
        this.client = requireNonNull(client, "client");
        this.executor = requireNonNull(executor, "executor");
        this.onClose = requireNonNull(onClose, "onClose");
        this.clock = requireNonNull(clock, "clock");
        this.instance = requireNonNull(instance, "instance");
    }

    /** An Event's {@code eventTime}: microseconds, UTC, as the API server wants it. */
    public static MicroTime eventTime(Instant at) {
        return new MicroTime(MICRO_TIME.format(at));
    }

    /** {@code text} as an Event's note: at most {@value #MAX_NOTE} characters, cut with an ellipsis. */
    public static String note(String text) {
        return text.length() > MAX_NOTE ? text.substring(0, MAX_NOTE - 1) + "…" : text;
    }

    @Override
    public void send(RollbackSignal signal) {
        List<Event> events = eventsFor(signal);
        if (events.isEmpty()) {
            return;
        }
        try {
            executor.execute(() -> events.forEach(this::create));
        } catch (RejectedExecutionException e) {
            LOG.warn("Event sink of {} stopped; signal {} not recorded", cluster, signal.idempotencyKey());
        }
    }

    private void create(Event event) {
        String where = event.getMetadata().getNamespace() + "/" + event.getMetadata().getName();
        try {
            client.events().v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
            recorded.incrementAndGet();
            LOG.debug("recorded Event {} in {}", where, cluster);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                LOG.debug("Event {} in {} already recorded", where, cluster);
                return;
            }
            failed.incrementAndGet();
            LOG.warn("cannot record Event {} in {} (HTTP {}): {}", where, cluster, e.getCode(), e.getMessage(), e);
        }
    }

    /** The Events {@code signal} becomes in this cluster, one per object they regard. Pure. */
    List<Event> eventsFor(RollbackSignal signal) {
        Map<ObjectReference, List<Mismatch>> byTarget = new LinkedHashMap<>();
        for (Mismatch m : signal.mismatches()) {
            ObjectReference target = target(m, signal.suspectChange());
            if (target != null) {
                byTarget.computeIfAbsent(target, t -> new ArrayList<>()).add(m);
            }
        }
        String now = MICRO_TIME.format(clock.instant());
        List<Event> events = new ArrayList<>();
        byTarget.forEach((target, mismatches) -> {
            String namespace = target.getNamespace() != null ? target.getNamespace() : target.getName();
            String keyPart = signal.idempotencyKey().substring(signal.idempotencyKey().indexOf('-') + 1);
            keyPart = keyPart.substring(0, Math.min(16, keyPart.length()));
            String base = target.getName().length() > 253 - 17 ? target.getName().substring(0, 253 - 17)
                    : target.getName();
            events.add(new EventBuilder()
                    .withNewMetadata()
                        .withName(base + "." + keyPart)
                        .withNamespace(namespace)
                        .addToLabels(KEY_LABEL, signal.idempotencyKey())
                        .addToLabels(EXPECTATION_LABEL, labelValue(signal.expectation()))
                        .addToAnnotations(TRACE_ANNOTATION, signal.traceId() == null ? "" : signal.traceId())
                    .endMetadata()
                    .withEventTime(new MicroTime(now))
                    .withReportingController(CONTROLLER)
                    .withReportingInstance(instance)
                    .withAction("ProveReachability")
                    .withReason(signal.firing() ? REASON : RESOLVED_REASON)
                    .withType(signal.firing() ? "Warning" : "Normal")
                    .withRegarding(target)
                    .withNote(note(signal, mismatches))
                    .build());
        });
        return events;
    }

    /** What the Event about {@code m} regards, when it belongs to this cluster; else null. */
    private ObjectReference target(Mismatch m, PolicyChange signalSuspect) {
        if (!cluster.equals(recordedIn(m, signalSuspect, recording))) {
            return null;
        }
        PolicyChange suspect = suspect(m, signalSuspect, recording);
        if (suspect != null) {
            return new ObjectReferenceBuilder().withApiVersion("networking.k8s.io/v1").withKind("NetworkPolicy")
                    .withNamespace(suspect.namespace()).withName(suspect.name()).withUid(suspect.uid()).build();
        }
        return new ObjectReferenceBuilder().withApiVersion("v1").withKind("Namespace")
                .withName(m.cell().to().namespace()).build();
    }

    /**
     * The one cluster whose Event sink records {@code m}, of the {@code recording} clusters: the suspect
     * policy's cluster, when it may have caused {@code m} (it is the source's or the destination's cluster) and
     * records Events; else the destination's, when it records Events and the destination has a namespace; else
     * null (no Event).
     */
    static String recordedIn(Mismatch m, PolicyChange signalSuspect, Set<String> recording) {
        PolicyChange suspect = suspect(m, signalSuspect, recording);
        if (suspect != null) {
            return suspect.cluster();
        }
        String destination = m.cell().to().cluster();
        return destination != null && recording.contains(destination) && m.cell().to().namespace() != null
                ? destination : null;
    }

    /** The suspect change an Event about {@code m} regards, or null (see {@link #recordedIn}). */
    private static PolicyChange suspect(Mismatch m, PolicyChange signalSuspect, Set<String> recording) {
        PolicyChange suspect = m.suspectChange() != null ? m.suspectChange() : signalSuspect;
        if (suspect == null || !recording.contains(suspect.cluster())) {
            return null;
        }
        boolean endHere = suspect.cluster().equals(m.cell().from().cluster())
                || suspect.cluster().equals(m.cell().to().cluster());
        return endHere ? suspect : null;
    }

    static String note(RollbackSignal signal, List<Mismatch> mismatches) {
        StringBuilder note = new StringBuilder(signal.firing() ? "" : "resolved: ")
                .append(signal.expectation()).append(": ");
        for (int i = 0; i < mismatches.size(); i++) {
            String next = (i == 0 ? "" : "; ") + MismatchText.describe(mismatches.get(i));
            String more = " (+" + (mismatches.size() - i) + " more)";
            if (note.length() + next.length() + (i == mismatches.size() - 1 ? 0 : more.length()) > MAX_NOTE) {
                note.append(more);
                break;
            }
            note.append(next);
        }
        return note.length() > MAX_NOTE ? note.substring(0, MAX_NOTE - 1) + "…" : note.toString();
    }

    private static String labelValue(String s) {
        String v = s.replaceAll("[^A-Za-z0-9._-]", "-");
        return v.length() > 63 ? v.substring(0, 63) : v;
    }

    public long recorded() {
        return recorded.get();
    }

    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        onClose.run();
    }

    @Override
    public String toString() {
        return "KubernetesEventSink[" + cluster + "]";
    }
}
