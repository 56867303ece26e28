package io.reachproof.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.yaml.NodeReader;
import io.reachproof.yaml.Problem;
import io.reachproof.yaml.SourceRef;
import io.reachproof.yaml.YamlLimits;
import io.reachproof.yaml.YamlLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads NetworkPolicies, Namespaces and Pods from YAML or JSON files (what
 * {@code kubectl get ns,pods,networkpolicies -A -o yaml} prints): multi-document files, {@code kind: List}
 * with {@code items} (also nested), files or directories (recursively, {@code *.yaml}, {@code *.yml},
 * {@code *.json}, in name order). Objects of other kinds are skipped and named in
 * {@link PolicyInput#skipped()}. Every problem is returned as a {@link Problem} at {@code file:line:column};
 * reading goes on after an error, so one pass reports them all. Files are loaded within {@link YamlLimits}
 * by the shared {@link YamlLoader}.
 */
public final class PolicyInputReader {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final List<Located<NetworkPolicy>> policies = new ArrayList<>();
    private final List<Located<Namespace>> namespaces = new ArrayList<>();
    private final List<Located<Pod>> pods = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();
    private final List<Workload> workloads = new ArrayList<>();
    private final YamlLoader loader;

    /** The workload kinds whose pod template stands for their pods in a topology of manifests. */
    private static final Set<String> WORKLOAD_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet");

    /**
     * A pod made from a workload's template ({@code metadata.name} the workload's), and the labels its selector
     * needs: it joins the topology only when no Pod read matches them in its namespace.
     */
    private record Workload(Located<Pod> pod, String namespace, Map<String, String> selector, String description) {
    }

    private PolicyInputReader(YamlLimits limits) {
        this.loader = new YamlLoader(limits);
    }

    /** The objects read, and every problem found (empty when the input is valid). */
    public record Result(PolicyInput input, List<Problem> problems) {
        public Result {
            requireNonNull(input, "input");
            problems = List.copyOf(problems);
        }

        /** Every problem as {@code FILE:LINE:COLUMN: message}. */
        public List<String> errors() {
            return problems.stream().map(Problem::toString).toList();
        }
    }

    /** Which objects a file contributes: NetworkPolicies, Namespaces and Pods, or both. */
    private enum Role { POLICIES, TOPOLOGY }

    /**
     * Reads NetworkPolicies from the files under {@code policyPaths} and Namespaces and Pods from the
     * files under {@code topologyPaths}. A file under both (the same dump given as {@code --policies} and
     * {@code --topology}) is read once for both; a NetworkPolicy in a topology-only file, or a Pod or
     * Namespace in a policies-only file, is ignored (a live dump can serve as topology for new policies).
     */
    public static Result read(List<Path> policyPaths, List<Path> topologyPaths) {
        return read(policyPaths, topologyPaths, YamlLimits.DEFAULTS);
    }

    /** {@link #read(List, List)} within {@code limits}. */
    public static Result read(List<Path> policyPaths, List<Path> topologyPaths, YamlLimits limits) {
        PolicyInputReader reader = new PolicyInputReader(limits);
        Map<Path, Set<Role>> pathRoles = new LinkedHashMap<>();
        policyPaths.forEach(p -> pathRoles.computeIfAbsent(p, k -> EnumSet.noneOf(Role.class)).add(Role.POLICIES));
        topologyPaths.forEach(p -> pathRoles.computeIfAbsent(p, k -> EnumSet.noneOf(Role.class)).add(Role.TOPOLOGY));
        Map<Path, Path> shown = new LinkedHashMap<>();
        Map<Path, Set<Role>> roles = new HashMap<>();
        pathRoles.forEach((path, pathRole) -> {
            for (Path file : reader.filesOf(path)) {
                Path key = file.toAbsolutePath().normalize();
                shown.putIfAbsent(key, file);
                roles.computeIfAbsent(key, k -> EnumSet.noneOf(Role.class)).addAll(pathRole);
            }
        });
        shown.forEach((key, file) -> reader.readFile(file, roles.get(key)));
        return reader.result();
    }

    /**
     * Reads NetworkPolicies from texts named like files ({@code name -> YAML}, e.g. the files of a git revision,
     * named {@code git:REV:PATH}) and the topology from the files under {@code topologyPaths}.
     */
    public static Result read(Map<String, String> policyTexts, List<Path> topologyPaths) {
        PolicyInputReader reader = new PolicyInputReader(YamlLimits.DEFAULTS);
        policyTexts.forEach((name, text) -> reader.readLoaded(name, reader.loader.load(name, text), Set.of(Role.POLICIES)));
        for (Path path : topologyPaths) {
            for (Path file : reader.filesOf(path)) {
                reader.readFile(file, Set.of(Role.TOPOLOGY));
            }
        }
        return reader.result();
    }

    /** Reads every object (policies and topology) of the files under the given paths. */
    public static Result read(List<Path> paths) {
        return read(paths, paths);
    }

    /** Reads YAML or JSON text as if it were the file {@code fileName}. */
    public static Result readString(String fileName, String text) {
        PolicyInputReader reader = new PolicyInputReader(YamlLimits.DEFAULTS);
        reader.readLoaded(fileName, reader.loader.load(fileName, text), Set.of(Role.values()));
        return reader.result();
    }

    private Result result() {
        List<Located<Pod>> all = new ArrayList<>(pods);
        for (Workload w : workloads) {
            boolean running = pods.stream().anyMatch(p -> w.namespace().equals(namespaceOf(p.object()))
                    && labelsOf(p.object()).entrySet().containsAll(w.selector().entrySet()));
            if (running) {
                skipped.add(w.pod().positions().root().fileLine() + ": skipped " + w.description()
                        + " (its pods are in the topology)");
            } else {
                all.add(w.pod());
            }
        }
        return new Result(new PolicyInput(policies, namespaces, all, skipped), problems);
    }

    private static String namespaceOf(Pod pod) {
        String ns = pod.getMetadata() == null ? null : pod.getMetadata().getNamespace();
        return ns == null || ns.isEmpty() ? "default" : ns;
    }

    private static Map<String, String> labelsOf(Pod pod) {
        return pod.getMetadata() == null || pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    }

    private void error(String path, String message) {
        problems.add(new Problem(new SourceRef(path, 0, 0), message));
    }

    private void error(SourceRef at, String message) {
        problems.add(new Problem(at, message));
    }

    private List<Path> filesOf(Path path) {
        if (Files.isDirectory(path)) {
            try (Stream<Path> walk = Files.walk(path)) {
                return walk.filter(Files::isRegularFile)
                        .filter(PolicyInputReader::isManifest)
                        .sorted()
                        .toList();
            } catch (IOException | RuntimeException e) {
                error(path.toString(), "cannot list directory: " + e.getMessage());
                return List.of();
            }
        }
        if (!Files.exists(path)) {
            error(path.toString(), "no such file or directory");
            return List.of();
        }
        return List.of(path);
    }

    private static boolean isManifest(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }

    private void readFile(Path file, Set<Role> roles) {
        readLoaded(file.toString(), loader.load(file), roles);
    }

    private void readLoaded(String fileName, YamlLoader.Loaded loaded, Set<Role> roles) {
        problems.addAll(loaded.problems());
        for (Node document : loaded.documents()) {
            readDocument(fileName, document, roles);
        }
        loaded.syntaxError().ifPresent(e -> error(e.at(), "invalid YAML: " + e.problem()));
    }

    private void readDocument(String file, Node node, Set<Role> roles) {
        if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL)) {
            return; // an empty document
        }
        if (!(node instanceof MappingNode mapping)) {
            error(ref(file, node), "expected a Kubernetes object (a mapping), found a "
                    + node.getNodeType().name().toLowerCase(Locale.ROOT));
            return;
        }
        String kind = scalarValue(mapping, "kind");
        Node items = child(mapping, "items");
        if (kind != null && kind.endsWith("List") && items != null) {
            if (!(items instanceof SequenceNode sequence)) {
                error(ref(file, items), "items of a " + kind + " must be a list");
                return;
            }
            for (Node item : sequence.getValue()) {
                readDocument(file, item, roles);
            }
            return;
        }
        readObject(file, mapping, kind, roles);
    }

    private void readObject(String file, MappingNode node, String kind, Set<Role> roles) {
        String apiVersion = scalarValue(node, "apiVersion");
        SourceRef at = ref(file, node);
        List<String> recordUnder;
        if ("NetworkPolicy".equals(kind) && "networking.k8s.io/v1".equals(apiVersion)) {
            if (!roles.contains(Role.POLICIES)) {
                return;
            }
            recordUnder = List.of("");
        } else if (("Pod".equals(kind) || "Namespace".equals(kind)) && "v1".equals(apiVersion)) {
            if (!roles.contains(Role.TOPOLOGY)) {
                return;
            }
            recordUnder = List.of("spec.containers", "status.podIP", "metadata.name", "metadata.labels");
        } else if (kind != null && WORKLOAD_KINDS.contains(kind) && "apps/v1".equals(apiVersion) && roles.contains(Role.TOPOLOGY)) {
            readWorkload(file, node, kind, at);
            return;
        } else {
            skipped.add(at.fileLine() + ": skipped " + describe(kind, apiVersion, node)
                    + " (only networking.k8s.io/v1 NetworkPolicy, v1 Namespace and v1 Pod are read)");
            return;
        }
        Map<String, SourceRef> marks = new HashMap<>();
        int errorsBefore = problems.size();
        Object value = toJava(file, node, "", recordUnder, marks);
        if (problems.size() > errorsBefore) {
            return;
        }
        Positions positions = new Positions(at, marks);
        String name = kind + " " + objectName(node);
        try {
            switch (kind) {
                case "NetworkPolicy" -> policies.add(new Located<>(
                        MAPPER.convertValue(value, NetworkPolicy.class), positions));
                case "Pod" -> pods.add(new Located<>(MAPPER.convertValue(value, Pod.class), positions));
                default -> namespaces.add(new Located<>(
                        MAPPER.convertValue(value, Namespace.class), positions));
            }
        } catch (IllegalArgumentException e) {
            String path = e.getCause() instanceof JsonMappingException m ? path(m) : "";
            error(positions.of(path), name + ": " + (path.isEmpty() ? "" : path + ": ")
                    + "cannot read: " + firstLine(e.getCause() instanceof JsonMappingException m
                            ? m.getOriginalMessage() : e.getMessage()));
        }
    }

    /** A Deployment, StatefulSet or DaemonSet as one pod of its template, named after it, without an IP. */
    @SuppressWarnings("unchecked")
    private void readWorkload(String file, MappingNode node, String kind, SourceRef at) {
        String description = describe(kind, "apps/v1", node);
        Map<String, SourceRef> marks = new HashMap<>();
        int errorsBefore = problems.size();
        Object value = toJava(file, node, "", List.of("metadata.name", "spec.template.metadata.labels",
                "spec.template.spec.containers"), marks);
        if (problems.size() > errorsBefore) {
            return;
        }
        Map<String, Object> object = (Map<String, Object>) value;
        Map<String, Object> metadata = object.get("metadata") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        Map<String, Object> spec = object.get("spec") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        if (!(spec.get("template") instanceof Map<?, ?> t)) {
            skipped.add(at.fileLine() + ": skipped " + description + " (no spec.template: no pods to stand for)");
            return;
        }
        Map<String, Object> template = (Map<String, Object>) t;
        Map<String, Object> templateMeta = template.get("metadata") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        Map<String, Object> podMeta = new LinkedHashMap<>();
        podMeta.put("name", metadata.get("name"));
        podMeta.put("namespace", metadata.get("namespace"));
        podMeta.put("labels", templateMeta.get("labels"));
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        pod.put("metadata", podMeta);
        pod.put("spec", template.get("spec"));
        Map<String, SourceRef> podMarks = new HashMap<>();
        marks.forEach((path, ref) -> podMarks.put(path.startsWith("spec.template.spec.") ? path.substring("spec.template.".length())
                : path.startsWith("spec.template.metadata.") ? path.substring("spec.template.".length()) : path, ref));
        Positions positions = new Positions(at, podMarks);
        Pod converted;
        try {
            converted = MAPPER.convertValue(pod, Pod.class);
        } catch (IllegalArgumentException e) {
            error(at, description + ": spec.template: cannot read: " + firstLine(e.getCause() instanceof JsonMappingException m
                    ? m.getOriginalMessage() : e.getMessage()));
            return;
        }
        Map<String, String> selector = new LinkedHashMap<>();
        labelsOf(converted).forEach((k, v) -> selector.put(k, v == null ? "" : v));
        if (spec.get("selector") instanceof Map<?, ?> sel && sel.get("matchLabels") instanceof Map<?, ?> match) {
            selector.clear();
            match.forEach((k, v) -> selector.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        workloads.add(new Workload(new Located<>(converted, positions), namespaceOf(converted), Map.copyOf(selector), description));
    }

    private static String describe(String kind, String apiVersion, MappingNode node) {
        return (apiVersion == null ? "" : apiVersion + " ")
                + (kind == null ? "object without kind" : kind) + " " + objectName(node);
    }

    private static String objectName(MappingNode node) {
        Node metadata = child(node, "metadata");
        String name = metadata instanceof MappingNode m ? scalarValue(m, "name") : null;
        String namespace = metadata instanceof MappingNode m ? scalarValue(m, "namespace") : null;
        if (name == null) {
            return "(no name)";
        }
        return namespace == null ? name : namespace + "/" + name;
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable value";
        }
        int cut = message.indexOf('\n');
        String line = cut < 0 ? message : message.substring(0, cut);
        int source = line.indexOf(" (through reference chain");
        return source < 0 ? line : line.substring(0, source);
    }

    /** Converts a node to plain maps, lists and scalars; records positions of paths under {@code recordUnder}. */
    private Object toJava(String file, Node node, String path, List<String> recordUnder, Map<String, SourceRef> marks) {
        for (String prefix : recordUnder) {
            if (path.startsWith(prefix)) {
                marks.put(path, ref(file, node));
                break;
            }
        }
        if (node instanceof MappingNode mapping) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                    error(ref(file, tuple.getKeyNode()), "a key must be a scalar");
                    continue;
                }
                String childPath = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
                if (map.containsKey(key.getValue())) {
                    error(ref(file, key), "duplicate key " + key.getValue());
                    continue;
                }
                map.put(key.getValue(), toJava(file, tuple.getValueNode(), childPath, recordUnder, marks));
            }
            return map;
        }
        if (node instanceof SequenceNode sequence) {
            List<Object> list = new ArrayList<>(sequence.getValue().size());
            int i = 0;
            for (Node item : sequence.getValue()) {
                list.add(toJava(file, item, path + "[" + i++ + "]", recordUnder, marks));
            }
            return list;
        }
        return scalar((ScalarNode) node);
    }

    private static Object scalar(ScalarNode node) {
        String text = node.getValue();
        Tag tag = node.getTag();
        if (tag.equals(Tag.NULL)) {
            return null;
        }
        if (tag.equals(Tag.BOOL)) {
            return Boolean.valueOf(text.toLowerCase(Locale.ROOT));
        }
        if (tag.equals(Tag.INT)) {
            try {
                String digits = text.startsWith("+") ? text.substring(1) : text;
                if (digits.startsWith("0x")) {
                    return Long.parseLong(digits.substring(2), 16);
                }
                if (digits.startsWith("0o")) {
                    return Long.parseLong(digits.substring(2), 8);
                }
                long value = Long.parseLong(digits);
                return value == (int) value ? (Object) (int) value : (Object) value;
            } catch (NumberFormatException e) {
                return text;
            }
        }
        if (tag.equals(Tag.FLOAT)) {
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                return text;
            }
        }
        return text;
    }

    private static Node child(MappingNode node, String key) {
        for (NodeTuple tuple : node.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return tuple.getValueNode();
            }
        }
        return null;
    }

    private static String scalarValue(MappingNode node, String key) {
        return child(node, key) instanceof ScalarNode s && !s.getTag().equals(Tag.NULL) ? s.getValue() : null;
    }

    private static SourceRef ref(String file, Node node) {
        return NodeReader.at(file, node);
    }
}
