package io.reachproof.expectations;

import io.reachproof.yaml.NearestName;
import io.reachproof.yaml.NodeReader;
import io.reachproof.yaml.Problem;
import io.reachproof.yaml.SourceRef;
import io.reachproof.yaml.YamlLimits;
import io.reachproof.yaml.YamlLoader;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads {@code ConnectivityExpectation} YAML strictly: every mistake of a file becomes a
 * {@link Problem} at {@code FILE:LINE:COLUMN} (1-based), all of them in one pass. A document with a
 * problem yields no expectation; the valid documents of the same files still do. When apiVersion or
 * kind is wrong the rest of that document is not checked (it is probably not an expectation). Files are
 * loaded within {@link YamlLimits} by the shared {@link YamlLoader}. Stateless and thread-safe.
 */
public final class ExpectationReader {

    public static final String API_VERSION = "reachproof.io/v1alpha1";
    public static final String KIND = "ConnectivityExpectation";

    static final List<String> DOCUMENT_KEYS = List.of("apiVersion", "kind", "metadata", "spec");
    static final List<String> METADATA_KEYS = List.of("name", "namespace", "labels", "annotations");
    static final List<String> SPEC_KEYS = List.of("interval", "defaultVerdict", "groups", "expect", "fromPolicies");
    static final List<String> GROUP_KEYS = List.of("clusters", "namespace", "namespaceSelector", "podSelector", "external");
    static final List<String> SELECTOR_KEYS = List.of("matchLabels", "matchExpressions");
    static final List<String> REQUIREMENT_KEYS = List.of("key", "operator", "values");
    static final List<String> RULE_KEYS = List.of("from", "to", "ports", "verdict", "clusters");
    static final List<String> CLUSTER_SCOPES = List.of("any", "same", "other");
    static final List<String> PORT_KEYS = List.of("port", "protocol", "path", "method", "status");
    static final List<String> POLICY_KEYS = List.of("groups", "ports");
    static final List<String> HTTP_KEYS = List.of("path", "method", "status");
    static final List<String> DEFAULT_VERDICTS = List.of("none", "allow", "deny");
    static final List<String> VERDICTS = List.of("allow", "deny");
    static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP", "HTTP");
    static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");
    static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern SHORT_PORT = Pattern.compile("(\\d{1,9})(?:/([A-Za-z]+))?");
    private static final Pattern STATUS = Pattern.compile("([1-5])xx|(\\d{3})(?:-(\\d{3}))?");

    private final YamlLoader loader;

    /** A reader within {@link YamlLimits#DEFAULTS}. */
    public ExpectationReader() {
        this(YamlLimits.DEFAULTS);
    }

    public ExpectationReader(YamlLimits limits) {
        this.loader = new YamlLoader(limits);
    }

    /** Reads one file. */
    public ReadResult read(Path file) {
        return readAll(List.of(file));
    }

    /** Reads text as if it were the file {@code file}. */
    public ReadResult read(String file, String content) {
        Batch batch = new Batch();
        batch.add(file, loader.load(file, content));
        return batch.result();
    }

    /**
     * Reads several files as one set: besides each file's problems, an expectation name used twice in
     * the set is a problem. A file that cannot be read is a problem naming the file.
     */
    public ReadResult readAll(Collection<Path> files) {
        Batch batch = new Batch();
        for (Path file : files) {
            batch.add(file.toString(), loader.load(file));
        }
        return batch.result();
    }

    /** The files of one read: expectations and problems in file order, expectation names across files. */
    private static final class Batch {
        final List<ConnectivityExpectation> expectations = new ArrayList<>();
        final List<Problem> problems = new ArrayList<>();
        final Map<String, SourceRef> names = new HashMap<>();

        void add(String file, YamlLoader.Loaded loaded) {
            FileReader reader = new FileReader(file);
            reader.read(loaded);
            for (int i = 0; i < reader.expectations.size(); i++) {
                ConnectivityExpectation e = reader.expectations.get(i);
                SourceRef at = reader.namePositions.get(i);
                SourceRef first = names.putIfAbsent(e.name(), at);
                if (first == null) {
                    expectations.add(e);
                } else {
                    reader.problems.add(new Problem(at, "duplicate expectation name '" + e.name() + "' (first at " + first + ")"));
                }
            }
            reader.problems.sort(Comparator.comparingInt((Problem p) -> p.where().line()).thenComparingInt(p -> p.where().column()));
            problems.addAll(reader.problems);
        }

        ReadResult result() {
            return new ReadResult(expectations, problems);
        }
    }

    /** Reads the documents of one file, collecting its problems. */
    private static final class FileReader {
        final String file;
        final List<Problem> problems = new ArrayList<>();
        final List<ConnectivityExpectation> expectations = new ArrayList<>();
        final List<SourceRef> namePositions = new ArrayList<>();

        FileReader(String file) {
            this.file = file;
        }

        void read(YamlLoader.Loaded loaded) {
            problems.addAll(loaded.problems());
            int documents = 0;
            for (Node root : loaded.documents()) {
                if (root instanceof ScalarNode s && Tag.NULL.equals(s.getTag()) && s.getValue().isEmpty()) {
                    continue;
                }
                documents++;
                new DocumentReader(this).read(root);
            }
            if (loaded.syntaxError().isPresent()) {
                YamlLoader.SyntaxError e = loaded.syntaxError().get();
                problems.add(new Problem(e.at(), "YAML syntax error: " + e.context().map(c -> c + ": ").orElse("") + e.problem()));
            } else if (documents == 0 && loaded.ok()) {
                problems.add(new Problem(new SourceRef(file, 1, 1), "no " + KIND + " in the file (it is empty)"));
            }
        }
    }

    /** Checks and builds one document; adds its problems to the file's. */
    private static final class DocumentReader extends NodeReader {
        private final FileReader fileReader;
        private final List<Problem> problems;

        DocumentReader(FileReader fileReader) {
            super(fileReader.file, fileReader.problems);
            this.fileReader = fileReader;
            this.problems = fileReader.problems;
        }

        void read(Node root) {
            int before = problems.size();
            Optional<MappingNode> top = mapping(root, "a " + KIND + " document");
            if (top.isEmpty()) {
                return;
            }
            Map<String, NodeTuple> doc = entries(top.get(), "the document", DOCUMENT_KEYS);
            Optional<String> apiVersion = required(doc, top.get(), "apiVersion", "the document").flatMap(n -> constant(n, "apiVersion", API_VERSION));
            Optional<String> kind = required(doc, top.get(), "kind", "the document").flatMap(n -> constant(n, "kind", KIND));
            if (apiVersion.isEmpty() || kind.isEmpty()) {
                return;
            }
            Optional<Node> metadata = required(doc, top.get(), "metadata", "the document");
            Optional<Node> spec = required(doc, top.get(), "spec", "the document");
            Optional<Node> nameNode = metadata.flatMap(m -> mapping(m, "'metadata'")).flatMap(this::metadataName);
            Optional<String> name = nameNode.flatMap(n -> string(n, "'name'")).filter(n -> dnsName(nameNode.get(), n));
            Optional<ConnectivityExpectation> expectation = spec.flatMap(s -> mapping(s, "'spec'"))
                    .flatMap(s -> spec(s, name.orElse(""), at(root)));
            if (problems.size() > before || expectation.isEmpty() || name.isEmpty()) {
                return;
            }
            List<RuleExpansion.Conflict> conflicts = RuleExpansion.of(expectation.get()).conflicts();
            for (RuleExpansion.Conflict c : conflicts) {
                RuleExpansion.Key k = c.key();
                error(c.later().source(), "conflicting verdicts for "
                        + k.describe(c.earlier().clusters() == ClusterScope.ANY && c.later().clusters() == ClusterScope.ANY)
                        + ": " + c.later().verdict().spelling() + " here, " + c.earlier().verdict().spelling() + " at " + c.earlier().source().fileLine());
            }
            if (conflicts.isEmpty()) {
                fileReader.expectations.add(expectation.get());
                fileReader.namePositions.add(at(nameNode.get()));
            }
        }

        private Optional<Node> metadataName(MappingNode metadata) {
            Map<String, NodeTuple> e = entries(metadata, "metadata", METADATA_KEYS);
            optional(e, "labels").ifPresent(n -> stringMap(n, "'labels'"));
            optional(e, "annotations").ifPresent(n -> stringMap(n, "'annotations'"));
            optional(e, "namespace").ifPresent(n -> string(n, "'namespace'"));
            return required(e, metadata, "name", "metadata");
        }

        private boolean dnsName(Node node, String name) {
            if (DNS_SUBDOMAIN.matcher(name).matches()) {
                return true;
            }
            error(node, "metadata.name must be a DNS-1123 name (lower-case letters, digits, '-' and '.'): '" + name + "'");
            return false;
        }

        private Optional<ConnectivityExpectation> spec(MappingNode spec, String name, SourceRef source) {
            int before = problems.size();
            Map<String, NodeTuple> e = entries(spec, "spec", SPEC_KEYS);
            Duration interval = optional(e, "interval").flatMap(this::duration).orElse(ConnectivityExpectation.DEFAULT_INTERVAL);
            Optional<Node> defaultNode = optional(e, "defaultVerdict");
            Optional<Verdict> defaultVerdict = defaultNode.flatMap(n -> oneOf(n, "defaultVerdict", "default verdict", DEFAULT_VERDICTS))
                    .filter(v -> !v.equals("none")).map(ExpectationReader::verdict);
            Map<String, Group> groups = new LinkedHashMap<>();
            Set<String> groupNames = new LinkedHashSet<>();
            Set<String> externalNames = new LinkedHashSet<>();
            Optional<MappingNode> groupsNode = required(e, spec, "groups", "spec").flatMap(n -> mapping(n, "'groups'"));
            groupsNode.ifPresent(g -> {
                Map<String, NodeTuple> declared = entries(g, "groups", null);
                if (g.getValue().isEmpty()) {
                    error(g, "'groups' must declare at least one group");
                }
                declared.forEach((groupName, t) -> {
                    groupNames.add(groupName);
                    if (t.getValueNode() instanceof MappingNode m && m.getValue().stream().anyMatch(x -> isKey(x, "external"))) {
                        externalNames.add(groupName);
                    }
                });
                declared.forEach((groupName, t) -> group(groupName, t).ifPresent(x -> groups.put(groupName, x)));
            });
            List<Rule> rules = new ArrayList<>();
            Optional<Node> expect = optional(e, "expect");
            expect.flatMap(n -> list(n, "'expect'")).ifPresent(list -> {
                for (int i = 0; i < list.getValue().size(); i++) {
                    rule(list.getValue().get(i), "expect[" + i + "]", groupNames, externalNames).ifPresent(rules::add);
                }
            });
            Optional<Node> policiesNode = optional(e, "fromPolicies");
            Optional<FromPolicies> policies = policiesNode.flatMap(n -> fromPolicies(n, at(e.get("fromPolicies").getKeyNode()),
                    groupNames, externalNames));
            if (policiesNode.isEmpty() && expect.map(n -> n instanceof SequenceNode s && s.getValue().isEmpty()).orElse(true)) {
                error(spec, "spec must have 'expect' rules or 'fromPolicies': nothing to prove");
            }
            if (policiesNode.isPresent() && defaultVerdict.isPresent()) {
                error(defaultNode.get(), "defaultVerdict and fromPolicies are exclusive (the policies decide the pairs no rule names)");
            }
            if (problems.size() > before) {
                return Optional.empty();
            }
            return Optional.of(new ConnectivityExpectation(name, interval, defaultVerdict, groups, rules, policies.isPresent(), source,
                    policies, defaultNode.map(this::at).orElse(source)));
        }

        private Optional<Duration> duration(Node node) {
            Optional<String> text = node instanceof ScalarNode s && !Tag.NULL.equals(s.getTag()) ? Optional.of(s.getValue()) : string(node, "'interval'");
            return text.flatMap(t -> {
                Optional<Duration> d = GoDuration.parse(t);
                if (d.isEmpty()) {
                    error(node, "invalid duration '" + t + "' (expected a Go duration like 30s, 1m30s, 500ms or 2h)");
                } else if (d.get().isZero()) {
                    error(node, "interval must be positive: '" + t + "'");
                    return Optional.empty();
                }
                return d;
            });
        }

        private Optional<Group> group(String name, NodeTuple tuple) {
            int before = problems.size();
            String context = "group '" + name + "'";
            if (name.equals(Rule.EVERY_GROUP)) {
                error(tuple.getKeyNode(), "'*' cannot be a group name (it stands for every group)");
            }
            Optional<MappingNode> node = mapping(tuple.getValueNode(), context);
            if (node.isEmpty()) {
                return Optional.empty();
            }
            Map<String, NodeTuple> e = entries(node.get(), context, GROUP_KEYS);
            List<String> clusters = optional(e, "clusters").flatMap(n -> strings(n, "'clusters'")).orElse(List.of());
            if (e.containsKey("clusters") && clusters.isEmpty() && problems.size() == before) {
                error(e.get("clusters").getValueNode(), "'clusters' must not be empty (leave it out to mean every cluster)");
            }
            String namespace = optional(e, "namespace").flatMap(n -> string(n, "'namespace'")).orElse(null);
            LabelSelector namespaceSelector = optional(e, "namespaceSelector").map(n -> selector(n, "namespaceSelector", context)).orElse(null);
            LabelSelector podSelector = optional(e, "podSelector").map(n -> selector(n, "podSelector", context)).orElse(null);
            if (e.containsKey("namespace") && e.containsKey("namespaceSelector")) {
                error(e.get("namespaceSelector").getKeyNode(), "namespace and namespaceSelector are exclusive in " + context);
            }
            List<String> external = List.of();
            if (e.containsKey("external")) {
                Node list = e.get("external").getValueNode();
                external = strings(list, "'external'").orElse(List.of());
                if (list instanceof SequenceNode s) {
                    if (s.getValue().isEmpty()) {
                        error(s, "'external' must list at least one CIDR or host name");
                    }
                    for (Node item : s.getValue()) {
                        if (item instanceof ScalarNode a) {
                            ExternalAddress.problem(a.getValue()).ifPresent(why -> error(item, "invalid external destination: " + why));
                        }
                    }
                }
                for (String key : List.of("clusters", "namespace", "namespaceSelector", "podSelector")) {
                    if (e.containsKey(key)) {
                        error(e.get(key).getKeyNode(), "'" + key + "' cannot be combined with 'external' in " + context + " (external destinations have no pods)");
                    }
                }
            }
            if (problems.size() > before) {
                return Optional.empty();
            }
            return Optional.of(new Group(name, clusters, namespace, namespaceSelector, podSelector, external, at(node.get())));
        }

        private LabelSelector selector(Node node, String key, String groupContext) {
            String context = key + " of " + groupContext;
            Optional<MappingNode> m = mapping(node, "'" + key + "'");
            if (m.isEmpty()) {
                return LabelSelector.EVERYTHING;
            }
            Map<String, NodeTuple> e = entries(m.get(), context, SELECTOR_KEYS);
            Map<String, String> labels = optional(e, "matchLabels").flatMap(n -> stringMap(n, "'matchLabels'")).orElse(Map.of());
            List<LabelSelector.Requirement> requirements = new ArrayList<>();
            optional(e, "matchExpressions").flatMap(n -> list(n, "'matchExpressions'")).ifPresent(list -> {
                for (int i = 0; i < list.getValue().size(); i++) {
                    requirement(list.getValue().get(i), "matchExpressions[" + i + "] of " + context).ifPresent(requirements::add);
                }
            });
            return new LabelSelector(labels, requirements);
        }

        private Optional<LabelSelector.Requirement> requirement(Node node, String context) {
            Optional<MappingNode> m = mapping(node, "a matchExpressions entry");
            if (m.isEmpty()) {
                return Optional.empty();
            }
            Map<String, NodeTuple> e = entries(m.get(), context, REQUIREMENT_KEYS);
            Optional<String> key = required(e, m.get(), "key", context).flatMap(n -> string(n, "'key'"));
            Optional<Node> operatorNode = required(e, m.get(), "operator", context);
            Optional<LabelSelector.Operator> operator = operatorNode.flatMap(n -> oneOf(n, "operator", "selector operator", OPERATORS))
                    .map(LabelSelector.Operator::valueOf);
            Optional<List<String>> values = optional(e, "values").flatMap(n -> strings(n, "'values'"));
            if (operator.isEmpty() || key.isEmpty() || e.containsKey("values") && values.isEmpty()) {
                return Optional.empty();
            }
            LabelSelector.Operator op = operator.get();
            List<String> v = values.orElse(List.of());
            boolean needsValues = op == LabelSelector.Operator.In || op == LabelSelector.Operator.NotIn;
            if (needsValues && v.isEmpty()) {
                error(operatorNode.get(), "operator " + op + " needs at least one value");
                return Optional.empty();
            }
            if (!needsValues && !v.isEmpty()) {
                error(e.get("values").getKeyNode(), "operator " + op + " takes no values");
                return Optional.empty();
            }
            return Optional.of(new LabelSelector.Requirement(key.get(), op, Set.copyOf(v)));
        }

        private Optional<Rule> rule(Node node, String context, Set<String> groupNames, Set<String> externalNames) {
            Optional<MappingNode> m = mapping(node, context);
            if (m.isEmpty()) {
                return Optional.empty();
            }
            int before = problems.size();
            Map<String, NodeTuple> e = entries(m.get(), context, RULE_KEYS);
            Optional<String> from = required(e, m.get(), "from", context).flatMap(n -> groupRef(n, "'from'", groupNames, externalNames, true));
            Optional<String> to = required(e, m.get(), "to", context).flatMap(n -> groupRef(n, "'to'", groupNames, externalNames, false));
            Optional<List<PortSpec>> ports = required(e, m.get(), "ports", context).flatMap(n -> ports(n, context, false));
            Optional<Verdict> verdict = required(e, m.get(), "verdict", context).flatMap(n -> oneOf(n, "verdict", "verdict", VERDICTS))
                    .map(ExpectationReader::verdict);
            Optional<ClusterScope> clusters = e.containsKey("clusters")
                    ? oneOf(e.get("clusters").getValueNode(), "clusters", "cluster scope", CLUSTER_SCOPES)
                            .map(c -> ClusterScope.valueOf(c.toUpperCase(java.util.Locale.ROOT)))
                    : Optional.of(ClusterScope.ANY);
            if (problems.size() > before || from.isEmpty() || to.isEmpty() || ports.isEmpty() || verdict.isEmpty()
                    || clusters.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Rule(from.get(), to.get(), ports.get(), verdict.get(), at(m.get()), clusters.get()));
        }

        private Optional<String> groupRef(Node node, String what, Set<String> groupNames, Set<String> externalNames, boolean source) {
            Optional<String> name = string(node, what);
            if (name.isEmpty() || name.get().equals(Rule.EVERY_GROUP)) {
                return name;
            }
            if (!groupNames.contains(name.get())) {
                error(node, "unknown group '" + name.get() + "'" + NearestName.hint(name.get(), groupNames));
                return Optional.empty();
            }
            if (source && externalNames.contains(name.get())) {
                error(node, "group '" + name.get() + "' is external and can only be a destination");
                return Optional.empty();
            }
            return name;
        }

        /** {@code keyAt}: where the key {@code fromPolicies} is written, the rule reference of the cells it derives. */
        private Optional<FromPolicies> fromPolicies(Node node, SourceRef keyAt, Set<String> groupNames, Set<String> externalNames) {
            Optional<MappingNode> m = mapping(node, "'fromPolicies'");
            if (m.isEmpty()) {
                return Optional.empty();
            }
            int before = problems.size();
            Map<String, NodeTuple> e = entries(m.get(), "fromPolicies", POLICY_KEYS);
            List<String> groups = new ArrayList<>();
            optional(e, "groups").flatMap(n -> list(n, "'groups'")).ifPresent(list -> {
                for (Node item : list.getValue()) {
                    groupRef(item, "an entry of 'groups'", groupNames, externalNames, true).ifPresent(g -> {
                        if (g.equals(Rule.EVERY_GROUP)) {
                            error(item, "leave out 'groups' to mean every group, instead of '*'");
                        } else {
                            groups.add(g);
                        }
                    });
                }
            });
            List<PortSpec> ports = optional(e, "ports").flatMap(n -> ports(n, "fromPolicies", false)).orElse(List.of());
            return problems.size() > before ? Optional.empty() : Optional.of(new FromPolicies(groups, ports, keyAt));
        }

        private Optional<List<PortSpec>> ports(Node node, String context, boolean mayBeEmpty) {
            Optional<SequenceNode> list = list(node, "'ports'");
            if (list.isEmpty()) {
                return Optional.empty();
            }
            if (list.get().getValue().isEmpty() && !mayBeEmpty) {
                error(node, "'ports' must list at least one port");
                return Optional.empty();
            }
            int before = problems.size();
            List<PortSpec> ports = new ArrayList<>();
            for (int i = 0; i < list.get().getValue().size(); i++) {
                port(list.get().getValue().get(i), context + ".ports[" + i + "]").ifPresent(ports::add);
            }
            return problems.size() > before ? Optional.empty() : Optional.of(ports);
        }

        private Optional<PortSpec> port(Node node, String context) {
            if (node instanceof ScalarNode s && Tag.INT.equals(s.getTag())) {
                return portNumber(s).map(p -> PortSpec.of(p, Protocol.TCP));
            }
            if (node instanceof ScalarNode s && Tag.STR.equals(s.getTag())) {
                Matcher m = SHORT_PORT.matcher(s.getValue());
                if (!m.matches()) {
                    error(node, "invalid port '" + s.getValue() + "' (expected PORT or PORT/PROTOCOL, e.g. 8443/TCP)");
                    return Optional.empty();
                }
                Optional<Integer> port = portRange(node, Long.parseLong(m.group(1)));
                Optional<Protocol> protocol = m.group(2) == null ? Optional.of(Protocol.TCP) : protocol(node, m.group(2));
                return port.isEmpty() || protocol.isEmpty() ? Optional.empty() : Optional.of(PortSpec.of(port.get(), protocol.get()));
            }
            if (!(node instanceof MappingNode map)) {
                error(node, "a port must be PORT/PROTOCOL (e.g. \"8443/TCP\") or a mapping with 'port', got " + describe(node));
                return Optional.empty();
            }
            int before = problems.size();
            Map<String, NodeTuple> e = entries(map, context, PORT_KEYS);
            Optional<Integer> port = required(e, map, "port", context).flatMap(n -> {
                if (n instanceof ScalarNode s && Tag.INT.equals(s.getTag())) {
                    return portNumber(s);
                }
                error(n, "'port' must be an integer, got " + describe(n));
                return Optional.empty();
            });
            Optional<Protocol> protocol = optional(e, "protocol").map(n -> string(n, "'protocol'").flatMap(p -> protocol(n, p)))
                    .orElse(Optional.of(Protocol.TCP));
            HttpCheck http = null;
            if (protocol.isPresent() && protocol.get() != Protocol.HTTP) {
                for (String key : HTTP_KEYS) {
                    if (e.containsKey(key)) {
                        error(e.get(key).getKeyNode(), "'" + key + "' applies only to HTTP ports, not " + protocol.get());
                    }
                }
            } else if (protocol.isPresent()) {
                String path = optional(e, "path").flatMap(n -> string(n, "'path'").filter(p -> {
                    if (!p.startsWith("/")) {
                        error(n, "path must start with '/': '" + p + "'");
                    }
                    return p.startsWith("/");
                })).orElse(HttpCheck.DEFAULT.path());
                String method = optional(e, "method").flatMap(n -> oneOf(n, "method", "HTTP method", METHODS)).orElse(HttpCheck.DEFAULT.method());
                int[] status = optional(e, "status").flatMap(this::status)
                        .orElse(new int[] {HttpCheck.DEFAULT.statusMin(), HttpCheck.DEFAULT.statusMax()});
                http = new HttpCheck(path, method, status[0], status[1]);
            }
            if (problems.size() > before || port.isEmpty() || protocol.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new PortSpec(port.get(), protocol.get(), http));
        }

        private Optional<Integer> portNumber(ScalarNode node) {
            String digits = node.getValue().replace("_", "");
            try {
                return portRange(node, Long.decode(digits));
            } catch (NumberFormatException e) {
                return portRange(node, Long.MAX_VALUE);
            }
        }

        private Optional<Integer> portRange(Node node, long port) {
            if (port < 1 || port > 65535) {
                error(node, "port " + (port == Long.MAX_VALUE ? ((ScalarNode) node).getValue() : port) + " is outside 1..65535");
                return Optional.empty();
            }
            return Optional.of((int) port);
        }

        private Optional<Protocol> protocol(Node node, String name) {
            if (PROTOCOLS.contains(name)) {
                return Optional.of(Protocol.valueOf(name));
            }
            error(node, "unknown protocol '" + name + "'" + NearestName.hint(name, PROTOCOLS));
            return Optional.empty();
        }

        private Optional<int[]> status(Node node) {
            if (!(node instanceof ScalarNode s) || !Tag.INT.equals(s.getTag()) && !Tag.STR.equals(s.getTag())) {
                error(node, "'status' must be a code like 200, a class like 2xx or a range like 200-299, got " + describe(node));
                return Optional.empty();
            }
            Matcher m = STATUS.matcher(s.getValue());
            if (!m.matches()) {
                error(node, "invalid status '" + s.getValue() + "' (expected a code like 200, a class like 2xx or a range like 200-299)");
                return Optional.empty();
            }
            int min;
            int max;
            if (m.group(1) != null) {
                min = Integer.parseInt(m.group(1)) * 100;
                max = min + 99;
            } else {
                min = Integer.parseInt(m.group(2));
                max = m.group(3) == null ? min : Integer.parseInt(m.group(3));
            }
            if (min < 100 || max > 599 || min > max) {
                error(node, "invalid status '" + s.getValue() + "' (codes lie in 100..599, a range goes from low to high)");
                return Optional.empty();
            }
            return Optional.of(new int[] {min, max});
        }

        // --- typed access beyond NodeReader's ---

        private Optional<Map<String, String>> stringMap(Node node, String what) {
            Optional<MappingNode> m = mapping(node, what);
            if (m.isEmpty()) {
                return Optional.empty();
            }
            Map<String, String> values = new LinkedHashMap<>();
            boolean ok = true;
            for (Map.Entry<String, NodeTuple> e : entries(m.get(), what, null).entrySet()) {
                Optional<String> s = string(e.getValue().getValueNode(), "the value of '" + e.getKey() + "'");
                s.ifPresent(v -> values.put(e.getKey(), v));
                ok &= s.isPresent();
            }
            return ok ? Optional.of(values) : Optional.empty();
        }

        private Optional<String> constant(Node node, String key, String expected) {
            return string(node, "'" + key + "'").filter(v -> {
                if (!v.equals(expected)) {
                    error(node, key + " must be '" + expected + "', got '" + v + "'");
                }
                return v.equals(expected);
            });
        }

        /** A string that must be one of {@code options}; {@code what} names it in the message. */
        private Optional<String> oneOf(Node node, String key, String what, List<String> options) {
            return string(node, "'" + key + "'").filter(v -> {
                if (!options.contains(v)) {
                    error(node, "unknown " + what + " '" + v + "'" + NearestName.hint(v, options));
                }
                return options.contains(v);
            });
        }
    }

    private static Verdict verdict(String spelling) {
        return Verdict.parse(spelling);
    }
}
