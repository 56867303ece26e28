package io.reachproof.coordinator.rollback;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.PolicyChange;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The JSON documents of rollback signals, shared by the webhook body and the gate endpoint (schema in the
 * README, "Rollback signals"). Times are RFC 3339 UTC.
 */
public final class RollbackJson {

    public static final String SIGNAL_SCHEMA = "reachproof.io/rollback-signal/v1";

    private static final ObjectMapper MAPPER = Json.mapper();

    private RollbackJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The webhook body of {@code signal}. */
    public static ObjectNode signal(RollbackSignal signal) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("schema", SIGNAL_SCHEMA);
        n.put("idempotencyKey", signal.idempotencyKey());
        n.put("event", signal.event().wireName());
        n.put("state", signal.event().state());
        n.put("expectation", signal.expectation());
        n.put("episode", signal.episode());
        n.put("roundId", signal.roundId());
        n.put("traceId", signal.traceId());
        n.put("at", time(signal.atEpochMillis()));
        n.put("openedAt", time(signal.openedAtEpochMillis()));
        n.put("summary", MismatchText.summary(signal.expectation(), signal.mismatches()));
        n.set("counts", counts(signal.mismatches()));
        n.set("mismatches", mismatches(signal.mismatches()));
        n.set("suspectChange", change(signal.suspectChange()));
        return n;
    }

    /** {@code {"HOLE": n, "BLOCKED": m}}. */
    public static ObjectNode counts(List<Mismatch> mismatches) {
        ObjectNode n = MAPPER.createObjectNode();
        for (MismatchKind kind : MismatchKind.values()) {
            n.put(kind.name(), mismatches.stream().filter(m -> m.kind() == kind).count());
        }
        return n;
    }

    public static ArrayNode mismatches(List<Mismatch> mismatches) {
        ArrayNode a = MAPPER.createArrayNode();
        mismatches.forEach(m -> a.add(mismatch(m)));
        return a;
    }

    public static ObjectNode mismatch(Mismatch m) {
        CellResult c = m.cell();
        ObjectNode n = MAPPER.createObjectNode();
        n.put("kind", m.kind().name());
        n.put("cell", CellKey.of(c).toString());
        n.put("text", MismatchText.describe(m));
        n.put("fromGroup", c.fromGroup());
        n.put("toGroup", c.toGroup());
        n.put("port", c.port());
        n.put("protocol", c.protocol());
        n.put("expected", c.expected());
        n.put("observed", c.observed().name().toLowerCase(Locale.ROOT));
        n.put("outcome", c.outcome() == null ? null : c.outcome().name());
        n.put("attempts", c.attempts());
        n.put("rule", c.rule());
        n.set("from", endpoint(c.from()));
        n.set("to", endpoint(c.to()));
        n.set("suspectChange", change(m.suspectChange()));
        return n;
    }

    public static ObjectNode endpoint(EndpointRef e) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("cluster", e.cluster());
        n.put("cloud", e.cloud());
        n.put("region", e.region());
        n.put("node", e.node());
        n.put("namespace", e.namespace());
        n.put("pod", e.pod());
        n.put("agentId", e.agentId());
        n.put("address", e.address());
        return n;
    }

    /** The change, or a JSON null. */
    public static ObjectNode change(PolicyChange c) {
        if (c == null) {
            return null;
        }
        ObjectNode n = MAPPER.createObjectNode();
        n.put("cluster", c.cluster());
        n.put("namespace", c.namespace());
        n.put("name", c.name());
        n.put("uid", c.uid());
        n.put("resourceVersion", c.resourceVersion());
        n.put("action", c.action());
        n.put("at", time(c.atEpochMillis()));
        return n;
    }

    public static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
