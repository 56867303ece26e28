package io.reachproof.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Policy drift between clusters that must carry the same NetworkPolicies: which policy is missing, extra or
 * different where, which fields differ, and what that does to reachability.
 *
 * <ul>
 *   <li>A policy is compared by its labels and {@code spec} only, after the API server's defaults (a port's
 *       protocol TCP, {@code policyTypes} from the rules) and without empty lists or label maps, so a file and what
 *       a cluster returns for it compare equal; status, resourceVersion, annotations and other server-set fields are
 *       never looked at.</li>
 *   <li>The reference version of a policy is the source of truth's when one is given (a cluster without it:
 *       {@link State#MISSING}; a cluster with it but the source without: {@link State#EXTRA}); otherwise the version
 *       most clusters carry (on a tie, the one of the first cluster by name), and a policy most clusters do not
 *       carry is {@link State#EXTRA} where it is ({@link #ABSENT_REFERENCE}).</li>
 *   <li>{@code cellsAffected}: summed over the drifted clusters, the cells (as {@code compile} prints them, over
 *       that cluster's own topology) whose verdict would change if that cluster carried the reference version (or,
 *       for an extra policy, did not carry it). So "different YAML" is ranked by "different reachability".</li>
 *   <li>{@code cellsDiffering} of a cluster pair: the cells over the pods both clusters have (by namespace/name) and
 *       the ports both declare whose verdict differs between the two clusters, each judged by its own policies
 *       over its own topology.</li>
 * </ul>
 */
public final class PolicyDrift {

    /**
     * Where a cluster stands on one policy: as the reference ({@code PRESENT}), without it ({@code MISSING}), with
     * another version ({@code DIFFERS}), with a policy the source of truth has not ({@code EXTRA}), or without such a
     * policy, as the reference ({@code ABSENT}: the source of truth, or most clusters, have none).
     */
    public enum State {
        PRESENT, MISSING, DIFFERS, EXTRA, ABSENT;

        public String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One cluster: its live NetworkPolicies and its topology (Namespaces and Pods). */
    public record ClusterState(String cluster, List<Located<NetworkPolicy>> policies, PolicyInput topology) {

        public ClusterState {
            requireNonNull(cluster, "cluster");
            policies = List.copyOf(policies);
            requireNonNull(topology, "topology");
        }
    }

    /**
     * One drifted policy. {@code clusters}: every compared cluster's state. {@code fields}: each differing field as
     * {@code path: value (where) vs value (where)}. {@code reference}: {@code source}, or the cluster whose version
     * the others are compared with.
     */
    public record Entry(String namespace, String name, Map<String, State> clusters, String reference,
            List<String> fields, long cellsAffected) {

        public Entry {
            requireNonNull(namespace, "namespace");
            requireNonNull(name, "name");
            clusters = Collections.unmodifiableMap(new LinkedHashMap<>(clusters));
            requireNonNull(reference, "reference");
            fields = List.copyOf(fields);
        }

        /** The clusters in {@code state}. */
        public List<String> in(State state) {
            return clusters.entrySet().stream().filter(e -> e.getValue() == state).map(Map.Entry::getKey).toList();
        }
    }

    public record ClusterPair(String a, String b, long cellsDiffering) {
    }

    public record Report(List<Entry> drift, List<ClusterPair> clusterPairs) {

        public Report {
            drift = List.copyOf(drift);
            clusterPairs = List.copyOf(clusterPairs);
        }

        public boolean drifted() {
            return !drift.isEmpty();
        }
    }

    /** The name a source of truth has in {@link Entry#reference()}. */
    public static final String SOURCE = "source";

    /** {@link Entry#reference()} of a policy most clusters do not carry (no source of truth given). */
    public static final String ABSENT_REFERENCE = "absent (most clusters)";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PolicyDrift() {
    }

    /**
     * Compares {@code clusters} (at least one) over the namespaces {@code namespaces} accepts, against
     * {@code source} when present. Policies that do not compile (the engine's errors) throw
     * {@link IllegalArgumentException} naming them.
     */
    public static Report compare(List<ClusterState> clusters, Optional<List<Located<NetworkPolicy>>> source,
            Predicate<String> namespaces) {
        requireNonNull(clusters, "clusters");
        requireNonNull(source, "source");
        requireNonNull(namespaces, "namespaces");
        if (clusters.isEmpty()) {
            throw new IllegalArgumentException("no cluster to compare");
        }
        List<ClusterState> sorted = clusters.stream().sorted(Comparator.comparing(ClusterState::cluster)).toList();
        Map<String, Map<String, Located<NetworkPolicy>>> byCluster = new LinkedHashMap<>();
        Set<String> ids = new TreeSet<>();
        for (ClusterState c : sorted) {
            Map<String, Located<NetworkPolicy>> own = index(c.policies(), namespaces);
            byCluster.put(c.cluster(), own);
            ids.addAll(own.keySet());
        }
        Optional<Map<String, Located<NetworkPolicy>>> truth = source.map(s -> index(s, namespaces));
        truth.ifPresent(t -> ids.addAll(t.keySet()));

        // clusters with the same policies over the same topology share one table (and differ in no cell)
        Map<String, List<Object>> contents = new LinkedHashMap<>();
        Map<List<Object>, TruthTable> byContent = new LinkedHashMap<>();
        Map<String, TruthTable> tables = new LinkedHashMap<>();
        for (ClusterState c : sorted) {
            List<Object> content = content(c);
            contents.put(c.cluster(), content);
            tables.put(c.cluster(), byContent.computeIfAbsent(content, k -> compile(c.policies(), c.topology(), c.cluster())));
        }

        List<Entry> drift = new ArrayList<>();
        for (String id : ids) {
            Map<String, JsonNode> versions = new LinkedHashMap<>();
            byCluster.forEach((cluster, own) -> {
                if (own.containsKey(id)) {
                    versions.put(cluster, normalized(own.get(id).object()));
                }
            });
            String reference;
            Located<NetworkPolicy> referencePolicy;
            if (truth.isPresent()) {
                reference = SOURCE;
                referencePolicy = truth.get().get(id);
            } else if (absentByMajority(versions.keySet(), byCluster.keySet())) {
                reference = ABSENT_REFERENCE;
                referencePolicy = null;
            } else {
                reference = majority(versions);
                referencePolicy = byCluster.get(reference).get(id);
            }
            JsonNode expected = referencePolicy == null ? null : normalized(referencePolicy.object());
            Map<String, State> states = new LinkedHashMap<>();
            boolean drifted = false;
            for (String cluster : byCluster.keySet()) {
                JsonNode own = versions.get(cluster);
                State state;
                if (own == null) {
                    state = expected == null ? State.ABSENT : State.MISSING;
                } else {
                    state = expected == null ? State.EXTRA : own.equals(expected) ? State.PRESENT : State.DIFFERS;
                }
                states.put(cluster, state);
                drifted |= state != State.PRESENT && state != State.ABSENT;
            }
            if (!drifted) {
                continue;
            }
            List<String> fields = new ArrayList<>();
            if (expected != null) {
                Map<JsonNode, List<String>> others = new LinkedHashMap<>();
                versions.forEach((cluster, own) -> {
                    if (!own.equals(expected)) {
                        others.computeIfAbsent(own, v -> new ArrayList<>()).add(cluster);
                    }
                });
                List<String> holders = truth.isPresent() ? List.of(SOURCE) : versions.entrySet().stream()
                        .filter(e -> e.getValue().equals(expected)).map(Map.Entry::getKey).toList();
                others.forEach((own, where) -> differences("", expected, own, String.join(", ", holders),
                        String.join(", ", where), fields));
            }
            long affected = 0;
            for (ClusterState c : sorted) {
                State state = states.get(c.cluster());
                if (state == State.PRESENT || state == State.ABSENT) {
                    continue;
                }
                List<Located<NetworkPolicy>> fixed = new ArrayList<>();
                for (Located<NetworkPolicy> p : c.policies()) {
                    if (!id(p.object()).equals(id)) {
                        fixed.add(p);
                    }
                }
                if (referencePolicy != null) {
                    fixed.add(referencePolicy);
                }
                TruthTable asReference = compile(fixed, c.topology(), c.cluster());
                affected += PolicyDiff.diff(c.cluster(), tables.get(c.cluster()), asReference).size();
            }
            int slash = id.indexOf('/');
            drift.add(new Entry(id.substring(0, slash), id.substring(slash + 1), states, reference, fields, affected));
        }

        List<ClusterPair> pairs = new ArrayList<>();
        List<String> names = new ArrayList<>(tables.keySet());
        Map<List<Object>, Long> counted = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                TruthTable a = tables.get(names.get(i));
                TruthTable b = tables.get(names.get(j));
                long differing = a == b ? 0 : counted.computeIfAbsent(List.of(contents.get(names.get(i)),
                        contents.get(names.get(j))), k -> PolicyDiff.diff("", a, b).stream()
                                .filter(ch -> ch.before().isPresent() && ch.after().isPresent()).count());
                pairs.add(new ClusterPair(names.get(i), names.get(j), differing));
            }
        }
        return new Report(drift, pairs);
    }

    /** What decides a cluster's table: its policies as compared, and its Namespaces and Pods as JSON. */
    private static List<Object> content(ClusterState c) {
        Map<String, JsonNode> policies = new TreeMap<>();
        c.policies().forEach(p -> policies.put(id(p.object()), normalized(p.object())));
        try {
            String topology = MAPPER.writeValueAsString(List.of(c.topology().namespaces().stream().map(Located::object).toList(),
                    c.topology().pods().stream().map(Located::object).toList()));
            return List.of(policies, topology);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Kubernetes objects always serialize", e);
        }
    }

    /** {@code ns/name} of a policy. */
    static String id(NetworkPolicy p) {
        return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    }

    private static Map<String, Located<NetworkPolicy>> index(Collection<Located<NetworkPolicy>> policies,
            Predicate<String> namespaces) {
        Map<String, Located<NetworkPolicy>> out = new TreeMap<>();
        for (Located<NetworkPolicy> p : policies) {
            if (namespaces.test(p.object().getMetadata().getNamespace())) {
                out.put(id(p.object()), p);
            }
        }
        return out;
    }

    private static TruthTable compile(List<Located<NetworkPolicy>> policies, PolicyInput topology, String cluster) {
        PolicyEngine.Result result = PolicyEngine.compile(new PolicyInput(policies, topology.namespaces(),
                topology.pods(), List.of()), List.of());
        if (!result.errors().isEmpty()) {
            throw new IllegalArgumentException("cluster " + cluster + ": " + String.join("; ", result.errors()));
        }
        return result.table().orElseThrow();
    }

    /**
     * Whether most clusters lack the policy {@code holders} carry (on a tie, whether the first cluster by name lacks
     * it): then the holders have an extra policy, rather than the others missing one.
     */
    private static boolean absentByMajority(Set<String> holders, Set<String> all) {
        int lacking = all.size() - holders.size();
        if (lacking != holders.size()) {
            return lacking > holders.size();
        }
        return !holders.contains(all.iterator().next());
    }

    /** The version most clusters carry; on a tie the first cluster's (by name). */
    private static String majority(Map<String, JsonNode> versions) {
        Map<JsonNode, Integer> counts = new LinkedHashMap<>();
        Map<JsonNode, String> first = new LinkedHashMap<>();
        versions.forEach((cluster, v) -> {
            counts.merge(v, 1, Integer::sum);
            first.putIfAbsent(v, cluster);
        });
        JsonNode best = null;
        for (Map.Entry<JsonNode, Integer> e : counts.entrySet()) {
            if (best == null || e.getValue() > counts.get(best)) {
                best = e.getKey();
            }
        }
        return first.get(best);
    }

    /**
     * Whether {@code a} and {@code b} are the same policy as this comparison sees it: equal labels and {@code spec}
     * after the API server's defaults, whatever their server-set fields (resourceVersion, uid, managedFields, status).
     */
    public static boolean sameContent(NetworkPolicy a, NetworkPolicy b) {
        return normalized(a).equals(normalized(b));
    }

    /** A short stable digest of what {@link #sameContent} compares (16 hex digits of its SHA-256). */
    public static String contentHash(NetworkPolicy policy) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(MAPPER.writeValueAsBytes(normalized(policy)));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("SHA-256 and a JSON tree are always available", e);
        }
    }

    /**
     * The policy as compared: {@code {labels, spec}} with the API server's defaults applied and empty lists, empty
     * label maps and nulls removed.
     */
    static JsonNode normalized(NetworkPolicy policy) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Map<String, String> labels = policy.getMetadata().getLabels();
        if (labels != null && !labels.isEmpty()) {
            out.set("labels", MAPPER.valueToTree(new TreeMap<>(labels)));
        }
        JsonNode spec = policy.getSpec() == null ? JsonNodeFactory.instance.objectNode() : MAPPER.valueToTree(policy.getSpec());
        spec = prune(spec);
        if (spec instanceof ObjectNode s) {
            defaults(s);
        }
        out.set("spec", spec);
        return out;
    }

    private static JsonNode prune(JsonNode node) {
        if (node instanceof ObjectNode o) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> f : o.properties()) {
                JsonNode v = prune(f.getValue());
                boolean emptyLabels = v.isObject() && v.isEmpty() && f.getKey().equals("matchLabels");
                if (!v.isNull() && !(v.isArray() && v.isEmpty()) && !emptyLabels
                        && !f.getKey().equals("additionalProperties")) {
                    out.set(f.getKey(), v);
                }
            }
            return out;
        }
        if (node instanceof ArrayNode a) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            a.forEach(e -> out.add(prune(e)));
            return out;
        }
        return node;
    }

    /** What the API server fills in: a port's protocol, and policyTypes when not written. */
    private static void defaults(ObjectNode spec) {
        for (String direction : List.of("ingress", "egress")) {
            if (spec.get(direction) instanceof ArrayNode rules) {
                for (JsonNode rule : rules) {
                    if (rule.get("ports") instanceof ArrayNode ports) {
                        for (JsonNode port : ports) {
                            if (port instanceof ObjectNode p && !p.has("protocol")) {
                                p.put("protocol", "TCP");
                            }
                        }
                    }
                }
            }
        }
        if (!spec.has("policyTypes")) {
            ArrayNode types = spec.putArray("policyTypes");
            types.add("Ingress");
            if (spec.has("egress")) {
                types.add("Egress");
            }
        } else {
            List<String> types = new ArrayList<>();
            spec.get("policyTypes").forEach(t -> types.add(t.asText()));
            types.sort(null);
            ArrayNode sorted = spec.putArray("policyTypes");
            types.forEach(sorted::add);
        }
    }

    private static void differences(String path, JsonNode expected, JsonNode actual, String expectedWhere,
            String actualWhere, List<String> out) {
        if (expected != null && expected.equals(actual)) {
            return;
        }
        if (expected instanceof ObjectNode e && actual instanceof ObjectNode a) {
            Set<String> keys = new TreeSet<>();
            e.fieldNames().forEachRemaining(keys::add);
            a.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                differences(path.isEmpty() ? k : path + "." + k, e.get(k), a.get(k), expectedWhere, actualWhere, out);
            }
            return;
        }
        if (expected instanceof ArrayNode e && actual instanceof ArrayNode a) {
            for (int i = 0; i < Math.max(e.size(), a.size()); i++) {
                differences(path + "[" + i + "]", e.get(i), a.get(i), expectedWhere, actualWhere, out);
            }
            return;
        }
        out.add(path + ": " + text(expected) + " (" + expectedWhere + ") vs " + text(actual) + " (" + actualWhere + ")");
    }

    private static String text(JsonNode node) {
        return node == null ? "(absent)" : node.toString();
    }
}
