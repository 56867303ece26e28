package io.reachproof.yaml;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Typed access to the nodes of one file, each mistake added to a shared problem list at
 * {@code FILE:LINE:COLUMN}: mappings with duplicate and unknown keys (naming the nearest valid key),
 * lists, strings. A method that finds a mistake reports it and returns empty, so a reader goes on and
 * reports every mistake of the file in one pass.
 */
public class NodeReader {

    private final String file;
    private final List<Problem> problems;

    /** Reports into {@code problems} (not copied: the caller's list grows). */
    public NodeReader(String file, List<Problem> problems) {
        this.file = requireNonNull(file, "file");
        this.problems = requireNonNull(problems, "problems");
    }

    public String file() {
        return file;
    }

    /** The problems reported so far. */
    public List<Problem> problems() {
        return problems;
    }

    /** Where {@code node} starts. */
    public SourceRef at(Node node) {
        return at(file, node);
    }

    /** Where {@code node} of {@code file} starts (1-based; {@code 1:1} for a node without marks). */
    public static SourceRef at(String file, Node node) {
        return node.getStartMark().map(m -> YamlLoader.at(file, m)).orElse(new SourceRef(file, 1, 1));
    }

    public void error(Node node, String message) {
        error(at(node), message);
    }

    public void error(SourceRef at, String message) {
        problems.add(new Problem(at, message));
    }

    public static boolean isKey(NodeTuple tuple, String key) {
        return tuple.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key);
    }

    /**
     * The entries of a mapping by key (first occurrences), reporting non-string keys, duplicate keys
     * and, when {@code allowed} is not null, unknown keys with the nearest allowed one.
     */
    public Map<String, NodeTuple> entries(MappingNode mapping, String context, List<String> allowed) {
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        Map<String, Node> seen = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode k) || Tag.NULL.equals(k.getTag())) {
                error(tuple.getKeyNode(), "keys in " + context + " must be strings, got " + describe(tuple.getKeyNode()));
                continue;
            }
            String key = k.getValue();
            Node first = seen.putIfAbsent(key, k);
            if (first != null) {
                error(k, "duplicate key '" + key + "' in " + context + " (first at line " + at(first).line() + ")");
            } else if (allowed != null && !allowed.contains(key)) {
                error(k, "unknown key '" + key + "' in " + context + NearestName.hint(key, allowed));
            } else {
                entries.put(key, tuple);
            }
        }
        return entries;
    }

    public static Optional<Node> optional(Map<String, NodeTuple> entries, String key) {
        return Optional.ofNullable(entries.get(key)).map(NodeTuple::getValueNode);
    }

    public Optional<Node> required(Map<String, NodeTuple> entries, MappingNode mapping, String key, String context) {
        Optional<Node> value = optional(entries, key);
        if (value.isEmpty() && mapping.getValue().stream().noneMatch(t -> isKey(t, key))) {
            error(mapping, "missing required key '" + key + "' in " + context);
        }
        return value;
    }

    public Optional<MappingNode> mapping(Node node, String what) {
        if (node instanceof MappingNode m) {
            return Optional.of(m);
        }
        error(node, what + " must be a mapping, got " + describe(node));
        return Optional.empty();
    }

    public Optional<SequenceNode> list(Node node, String what) {
        if (node instanceof SequenceNode s) {
            return Optional.of(s);
        }
        error(node, what + " must be a list, got " + describe(node));
        return Optional.empty();
    }

    public Optional<String> string(Node node, String what) {
        if (node instanceof ScalarNode s && Tag.STR.equals(s.getTag())) {
            return Optional.of(s.getValue());
        }
        String hint = node instanceof ScalarNode s && !Tag.NULL.equals(s.getTag()) ? " (quote it: \"" + s.getValue() + "\")" : "";
        error(node, what + " must be a string, got " + describe(node) + hint);
        return Optional.empty();
    }

    public Optional<List<String>> strings(Node node, String what) {
        Optional<SequenceNode> list = list(node, what);
        if (list.isEmpty()) {
            return Optional.empty();
        }
        List<String> values = new ArrayList<>();
        boolean ok = true;
        for (Node item : list.get().getValue()) {
            Optional<String> s = string(item, "an entry of " + what);
            s.ifPresent(values::add);
            ok &= s.isPresent();
        }
        return ok ? Optional.of(values) : Optional.empty();
    }

    /** How a node is named in a message: {@code a mapping}, {@code integer 3}, {@code string 'x'}, ... */
    public static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) node;
        Tag tag = s.getTag();
        if (Tag.NULL.equals(tag)) {
            return "nothing (null)";
        } else if (Tag.INT.equals(tag)) {
            return "integer " + s.getValue();
        } else if (Tag.FLOAT.equals(tag)) {
            return "number " + s.getValue();
        } else if (Tag.BOOL.equals(tag)) {
            return "boolean " + s.getValue();
        }
        return "string '" + s.getValue() + "'";
    }
}
