package io.reachproof.policy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.List;

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
}
