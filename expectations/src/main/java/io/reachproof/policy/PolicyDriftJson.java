package io.reachproof.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON of a {@link PolicyDrift.Report}, the contract other tools read ({@code reachproof drift --format json}
 * and the coordinator's {@code /v1/drift}):
 * {@code {"drift":[{"namespace","name","clusters":{CLUSTER:"present|missing|differs|extra|absent"},"reference",
 * "fields":[...],"cellsAffected"}],"clusterPairs":[{"a","b","cellsDiffering"}]}}, most cells affected first.
 */
public final class PolicyDriftJson {

    private PolicyDriftJson() {
    }

    /** The drifted policies, most cells affected first, then by namespace and name. */
    public static List<PolicyDrift.Entry> ranked(PolicyDrift.Report report) {
        return report.drift().stream().sorted(Comparator.comparingLong(PolicyDrift.Entry::cellsAffected).reversed()
                .thenComparing(PolicyDrift.Entry::namespace).thenComparing(PolicyDrift.Entry::name)).toList();
    }

    public static ObjectNode tree(PolicyDrift.Report report) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode drift = root.putArray("drift");
        for (PolicyDrift.Entry e : ranked(report)) {
            ObjectNode o = drift.addObject();
            o.put("namespace", e.namespace());
            o.put("name", e.name());
            ObjectNode states = o.putObject("clusters");
            e.clusters().forEach((cluster, state) -> states.put(cluster, state.spelling()));
            o.put("reference", e.reference());
            ArrayNode fields = o.putArray("fields");
            e.fields().forEach(fields::add);
            o.put("cellsAffected", e.cellsAffected());
        }
        ArrayNode pairs = root.putArray("clusterPairs");
        for (PolicyDrift.ClusterPair p : report.clusterPairs()) {
            pairs.addObject().put("a", p.a()).put("b", p.b()).put("cellsDiffering", p.cellsDiffering());
        }
        return root;
    }

    /**
     * The report {@link #tree} wrote ({@code /v1/drift}'s groups carry it).
     *
     * @throws IllegalArgumentException naming what does not fit the contract
     */
    public static PolicyDrift.Report read(JsonNode tree) {
        if (tree == null || !tree.path("drift").isArray() || !tree.path("clusterPairs").isArray()) {
            throw new IllegalArgumentException("not a drift report: no drift and clusterPairs lists");
        }
        List<PolicyDrift.Entry> drift = new ArrayList<>();
        for (JsonNode e : tree.get("drift")) {
            Map<String, PolicyDrift.State> clusters = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> c : e.path("clusters").properties()) {
                clusters.put(c.getKey(), PolicyDrift.State.valueOf(c.getValue().asText().toUpperCase(Locale.ROOT)));
            }
            List<String> fields = new ArrayList<>();
            e.path("fields").forEach(f -> fields.add(f.asText()));
            drift.add(new PolicyDrift.Entry(e.path("namespace").asText(), e.path("name").asText(), clusters,
                    e.path("reference").asText(), fields, e.path("cellsAffected").asLong()));
        }
        List<PolicyDrift.ClusterPair> pairs = new ArrayList<>();
        for (JsonNode p : tree.get("clusterPairs")) {
            pairs.add(new PolicyDrift.ClusterPair(p.path("a").asText(), p.path("b").asText(), p.path("cellsDiffering").asLong()));
        }
        return new PolicyDrift.Report(drift, pairs);
    }
}
