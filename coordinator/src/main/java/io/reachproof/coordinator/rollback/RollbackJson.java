package io.reachproof.coordinator.rollback;

import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.coordinator.signal.CellKey;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.MismatchText;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Verdict;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON documents of rollback signals, shared by the webhook body and the gate endpoint (schema in the
 * README, "Rollback signals"): records that Jackson writes in the order of their components. Values are
 * spelled as their types say (verdicts {@code deny}, kinds and outcomes {@code HOLE}, {@code CONNECTED});
 * times are RFC 3339 UTC.
 */
public final class RollbackJson {

    public static final String SIGNAL_SCHEMA = "reachproof.io/rollback-signal/v1";

    private static final ObjectMapper MAPPER = Json.mapper();

    private RollbackJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The webhook body of a signal. */
    public record Signal(String schema, String idempotencyKey, String event, String state, String expectation,
            String episode, String roundId, String traceId, String at, String openedAt, String summary,
            Map<MismatchKind, Long> counts, List<MismatchEntry> mismatches, Change suspectChange) {
    }

    /** One mismatch: its cell, its one-line text, the two ends and the suspect change. */
    public record MismatchEntry(MismatchKind kind, String cell, String text, String fromGroup, String toGroup, int port,
            Protocol protocol, Verdict expected, ObservedVerdict observed, Outcome outcome, int attempts, String rule,
            Endpoint from, Endpoint to, Change suspectChange) {
    }

    /** One end of a mismatched cell. */
    public record Endpoint(String cluster, String cloud, String region, String node, String namespace, String pod,
            String agentId, String address) {
    }

    /** A NetworkPolicy change, its time in RFC 3339. */
    public record Change(String cluster, String namespace, String name, String uid, String resourceVersion,
            String action, String at) {
    }

    /** The webhook body of {@code signal}. */
    public static Signal signal(RollbackSignal signal) {
        return new Signal(SIGNAL_SCHEMA, signal.idempotencyKey(), signal.event().wireName(), signal.event().state(),
                signal.expectation(), signal.episode(), signal.roundId(), signal.traceId(), time(signal.atEpochMillis()),
                time(signal.openedAtEpochMillis()), MismatchText.summary(signal.expectation(), signal.mismatches()),
                counts(signal.mismatches()), mismatches(signal.mismatches()), change(signal.suspectChange()));
    }

    /** {@code {"HOLE": n, "BLOCKED": m}}. */
    public static Map<MismatchKind, Long> counts(List<Mismatch> mismatches) {
        Map<MismatchKind, Long> counts = new LinkedHashMap<>();
        for (MismatchKind kind : MismatchKind.values()) {
            counts.put(kind, mismatches.stream().filter(m -> m.kind() == kind).count());
        }
        return counts;
    }

    public static List<MismatchEntry> mismatches(List<Mismatch> mismatches) {
        return mismatches.stream().map(RollbackJson::mismatch).toList();
    }

    public static MismatchEntry mismatch(Mismatch m) {
        CellResult c = m.cell();
        return new MismatchEntry(m.kind(), CellKey.of(c).toString(), MismatchText.describe(m), c.fromGroup(),
                c.toGroup(), c.port(), c.protocol(), c.expected(), c.observed(), c.outcome(), c.attempts(), c.rule(),
                endpoint(c.from()), endpoint(c.to()), change(m.suspectChange()));
    }

    public static Endpoint endpoint(EndpointRef e) {
        return new Endpoint(e.cluster(), e.cloud(), e.region(), e.node(), e.namespace(), e.pod(), e.agentId(),
                e.address());
    }

    /** The change, or null (a JSON null). */
    public static Change change(PolicyChange c) {
        return c == null ? null : new Change(c.cluster(), c.namespace(), c.name(), c.uid(), c.resourceVersion(),
                c.action(), time(c.atEpochMillis()));
    }

    public static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
