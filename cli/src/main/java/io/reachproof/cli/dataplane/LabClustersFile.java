package io.reachproof.cli.dataplane;

import io.reachproof.cli.dataplane.DataplaneLab.LabCluster;
import io.reachproof.expectations.GoDuration;
import io.reachproof.yaml.NearestName;
import io.reachproof.yaml.NodeReader;
import io.reachproof.yaml.Problem;
import io.reachproof.yaml.SourceRef;
import io.reachproof.yaml.YamlLimits;
import io.reachproof.yaml.YamlLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The lab's clusters as {@code reachproof lab --clusters FILE} takes them:
 * <pre>
 * clusters:
 * - {name: aws-lab, cloud: aws, region: us-east-1, profile: enforcement-lag, lag: 45s}
 * - {name: azure-lab, profile: reject}
 * </pre>
 * {@code name} (a short lowercase name, unique) and {@code profile} ({@link CniProfile}) are required; {@code cloud}
 * (default {@code lab}) and {@code region} (default {@code local}) label the cluster's agents; {@code lag} (a duration,
 * default 45s, at most 10m) belongs to {@code enforcement-lag} only; {@code egress: snat} makes the cluster's nodes
 * translate its pods' traffic to other clusters to their own addresses ({@code podIP}, the default: no translation).
 * Every mistake of the file is reported at once, as
 * {@code FILE:LINE:COLUMN: what is wrong}.
 */
public final class LabClustersFile {

    /** The lag of {@code enforcement-lag} when the file gives none. */
    public static final Duration DEFAULT_LAG = Duration.ofSeconds(45);
    static final Duration MAX_LAG = Duration.ofMinutes(10);
    static final int MAX_CLUSTERS = 6;
    private static final List<String> TOP = List.of("clusters");
    private static final List<String> KEYS = List.of("name", "cloud", "region", "profile", "lag", "egress");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?");

    private LabClustersFile() {
    }

    /** Thrown with every problem of the file, each {@code FILE:LINE:COLUMN: message}, in file order. */
    public static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient List<Problem> problems;

        Invalid(List<Problem> problems) {
            super(String.join("\n", problems.stream().map(Problem::toString).toList()), null, false, false);
            this.problems = List.copyOf(problems);
        }

        public List<String> lines() {
            return problems.stream().map(Problem::toString).toList();
        }
    }

    /** Reads {@code file}. */
    public static List<LabCluster> read(java.nio.file.Path file) {
        return parse(new YamlLoader(YamlLimits.DEFAULTS).load(file), file.toString());
    }

    /** Reads {@code text} as the file named {@code file}. */
    public static List<LabCluster> read(String file, String text) {
        return parse(new YamlLoader(YamlLimits.DEFAULTS).load(file, text), file);
    }

    private static List<LabCluster> parse(YamlLoader.Loaded loaded, String file) {
        List<Problem> problems = new ArrayList<>(loaded.problems());
        loaded.syntaxError().ifPresent(e -> problems.add(new Problem(e.at(), "not valid YAML: "
                + e.context().map(c -> c + ": ").orElse("") + e.problem())));
        List<LabCluster> clusters = new ArrayList<>();
        if (problems.isEmpty()) {
            NodeReader nodes = new NodeReader(file, problems);
            List<Node> documents = loaded.documents();
            if (documents.size() != 1 || !(documents.get(0) instanceof MappingNode root)) {
                problems.add(new Problem(documents.isEmpty() ? new SourceRef(file, 1, 1) : nodes.at(documents.get(0)),
                        "the file must be one mapping with the key 'clusters'"));
            } else {
                Map<String, NodeTuple> top = nodes.entries(root, "the file", TOP);
                nodes.required(top, root, "clusters", "the file").flatMap(n -> nodes.list(n, "clusters"))
                        .ifPresent(list -> clusters(nodes, list, clusters));
            }
        }
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparingInt((Problem p) -> p.where().line()).thenComparingInt(p -> p.where().column()));
            throw new Invalid(problems);
        }
        return List.copyOf(clusters);
    }

    private static void clusters(NodeReader nodes, SequenceNode list, List<LabCluster> clusters) {
        if (list.getValue().isEmpty() || list.getValue().size() > MAX_CLUSTERS) {
            nodes.error(list, "clusters: the lab takes 1 to " + MAX_CLUSTERS + " clusters, got " + list.getValue().size());
        }
        Map<String, Node> names = new HashMap<>();
        int i = 0;
        for (Node item : list.getValue()) {
            String context = "clusters[" + i++ + "]";
            Optional<MappingNode> m = nodes.mapping(item, context);
            if (m.isEmpty()) {
                continue;
            }
            Map<String, NodeTuple> e = nodes.entries(m.get(), context, KEYS);
            Optional<String> name = nodes.required(e, m.get(), "name", context).flatMap(n -> nodes.string(n, context + ".name"));
            boolean ok = name.isPresent();
            if (name.isPresent()) {
                Node at = NodeReader.optional(e, "name").orElseThrow();
                if (!NAME.matcher(name.get()).matches()) {
                    nodes.error(at, context + ".name: a lab cluster's name is 1 to 20 lowercase letters, digits and"
                            + " dashes: " + name.get());
                    ok = false;
                } else if (names.containsKey(name.get())) {
                    nodes.error(at, context + ".name: cluster " + name.get() + " is named twice (first at line "
                            + nodes.at(names.get(name.get())).line() + ")");
                    ok = false;
                } else {
                    names.put(name.get(), at);
                }
            }
            Optional<CniProfile> profile = Optional.empty();
            Optional<String> profileText = nodes.required(e, m.get(), "profile", context)
                    .flatMap(n -> nodes.string(n, context + ".profile"));
            if (profileText.isPresent()) {
                profile = CniProfile.byId(profileText.get());
                if (profile.isEmpty()) {
                    nodes.error(NodeReader.optional(e, "profile").orElseThrow(), context + ".profile: unknown profile '"
                            + profileText.get() + "'" + NearestName.hint(profileText.get(), java.util.Arrays.stream(
                            CniProfile.values()).map(CniProfile::id).toList()) + " (profiles: " + CniProfile.ids() + ")");
                }
            }
            ok &= profile.isPresent();
            Duration lag = DEFAULT_LAG;
            Optional<Node> lagNode = NodeReader.optional(e, "lag");
            if (lagNode.isPresent()) {
                Optional<String> text = nodes.string(lagNode.get(), context + ".lag");
                Optional<Duration> parsed = text.flatMap(GoDuration::parse);
                if (text.isPresent() && (parsed.isEmpty() || parsed.get().isZero() || parsed.get().compareTo(MAX_LAG) > 0)) {
                    nodes.error(lagNode.get(), context + ".lag: must be a duration from 1ms to 10m, such as 45s: "
                            + text.get());
                    ok = false;
                } else if (parsed.isPresent() && profile.isPresent() && profile.get() != CniProfile.ENFORCEMENT_LAG) {
                    nodes.error(lagNode.get(), context + ".lag: only the profile enforcement-lag has a lag, not "
                            + profile.get().id());
                    ok = false;
                } else if (parsed.isEmpty()) {
                    ok = false;
                } else {
                    lag = parsed.get();
                }
            }
            Optional<String> cloud = NodeReader.optional(e, "cloud").map(n -> nodes.string(n, context + ".cloud"))
                    .orElse(Optional.of("lab"));
            Optional<String> region = NodeReader.optional(e, "region").map(n -> nodes.string(n, context + ".region"))
                    .orElse(Optional.of("local"));
            boolean snat = false;
            Optional<Node> egressNode = NodeReader.optional(e, "egress");
            if (egressNode.isPresent()) {
                Optional<String> text = nodes.string(egressNode.get(), context + ".egress");
                if (text.isPresent() && !List.of("snat", "podIP").contains(text.get())) {
                    nodes.error(egressNode.get(), context + ".egress: must be podIP (the default) or snat, not " + text.get());
                    ok = false;
                } else if (text.isEmpty()) {
                    ok = false;
                } else {
                    snat = text.get().equals("snat");
                }
            }
            if (ok && cloud.isPresent() && region.isPresent()) {
                clusters.add(new LabCluster(name.get(), cloud.get(), region.get(), profile.get(),
                        profile.get() == CniProfile.ENFORCEMENT_LAG ? lag : Duration.ZERO, snat));
            }
        }
    }
}
