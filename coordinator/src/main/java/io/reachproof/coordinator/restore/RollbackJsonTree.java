package io.reachproof.coordinator.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.PolicyChange;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON of rollbacks and proven policy sets: what {@code /v1/rollbacks}, the webhook and the CLI show. */
public final class RollbackJsonTree {

    private RollbackJsonTree() {
    }

    /**
     * {@code {"id","at","cluster","group","trigger","suspectChange","mode","outcome","message","version","provenBy",
     * "actions":[{"action":"restore|recreate|delete","namespace","name","object"}]}}; {@code object} is the exact
     * NetworkPolicy written (or that would be, in a dry run), absent for a delete.
     */
    public static ObjectNode record(RollbackRecord r) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", r.id());
        o.put("at", Instant.ofEpochMilli(r.atEpochMillis()).toString());
        o.put("cluster", r.cluster());
        o.put("group", r.group());
        o.put("trigger", r.trigger());
        PolicyChange s = r.suspectChange();
        if (s == null) {
            o.putNull("suspectChange");
        } else {
            ObjectNode c = o.putObject("suspectChange");
            c.put("cluster", s.cluster());
            c.put("namespace", s.namespace());
            c.put("name", s.name());
            c.put("action", s.action());
            c.put("resourceVersion", s.resourceVersion());
            c.put("at", Instant.ofEpochMilli(s.atEpochMillis()).toString());
        }
        o.put("mode", r.mode().spelling());
        o.put("outcome", r.outcome().spelling());
        o.put("message", r.message());
        o.put("version", r.versionId());
        o.put("provenBy", r.provenRoundId());
        ArrayNode actions = o.putArray("actions");
        for (RestorePlan.Action a : r.actions()) {
            ObjectNode x = actions.addObject();
            x.put("action", a.spelling());
            x.put("namespace", a.namespace());
            x.put("name", a.name());
            if (a.object() != null) {
                x.set("object", Json.mapper().valueToTree(a.object()));
            }
        }
        return o;
    }

    /**
     * {@code {"rollback":[{"cluster","group","mode","namespaces":[...]}],"proven":{CLUSTER:[{"version","provenAt",
     * "provenBy","expectation","policies":["ns/name",...]}]},"rollbacks":[record,...]}}.
     */
    public static ObjectNode status(Rollbacks rollbacks) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode scopes = root.putArray("rollback");
        rollbacks.scopes().values().stream().sorted((a, b) -> a.cluster().compareTo(b.cluster())).forEach(s -> {
            ObjectNode o = scopes.addObject();
            o.put("cluster", s.cluster());
            o.put("group", s.group());
            o.put("mode", s.mode().spelling());
            ArrayNode ns = o.putArray("namespaces");
            s.namespaces().forEach(ns::add);
        });
        ObjectNode proven = root.putObject("proven");
        for (Map.Entry<String, List<ProvenPolicies.Version>> e : rollbacks.proven().all().entrySet()) {
            ArrayNode versions = proven.putArray(e.getKey());
            for (ProvenPolicies.Version v : e.getValue()) {
                versions.add(version(v));
            }
        }
        ArrayNode records = root.putArray("rollbacks");
        rollbacks.records().forEach(r -> records.add(record(r)));
        return root;
    }

    private static JsonNode version(ProvenPolicies.Version v) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("version", v.id());
        o.put("provenAt", Instant.ofEpochMilli(v.provenAtEpochMillis()).toString());
        o.put("provenBy", v.roundId());
        o.put("expectation", v.expectation());
        ArrayNode policies = o.putArray("policies");
        v.policies().keySet().stream().sorted().forEach(policies::add);
        return o;
    }
}
