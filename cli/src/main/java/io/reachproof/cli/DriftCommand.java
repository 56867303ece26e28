package io.reachproof.cli;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.policy.Located;
import io.reachproof.policy.PolicyDrift;
import io.reachproof.policy.PolicyDriftJson;
import io.reachproof.policy.PolicyInput;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reachproof drift}: the clusters that must carry the same NetworkPolicies compared once (for CI): each
 * policy missing, extra or different where, the differing fields, the cells it changes, and per cluster pair the
 * cells whose verdict differs (see {@link PolicyDrift}). Exit 0 no drift, 1 drift, 2 bad input.
 */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = "Compares the live NetworkPolicies of clusters that must carry the same ones (a --snapshot DIR, or"
                + " read now with --kubernetes), with each other or with a --source of truth: every policy missing, extra"
                + " or different where, its differing fields and the cells it changes; per cluster pair the cells whose"
                + " verdict differs. Exit 0 no drift, 1 drift, 2 bad input.")
final class DriftCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Clusters clusters;

    static final class Clusters {
        @Option(names = "--snapshot", paramLabel = "DIR",
                description = "a directory written by reachproof snapshot: DIR/CLUSTER/topology.yaml and DIR/CLUSTER/policies/")
        Path snapshot;

        @Option(names = "--kubernetes", arity = "1..*", paramLabel = "CLUSTER[=KUBECONFIG[#CONTEXT]]",
                description = "clusters to read now, read only (as reachproof snapshot does)")
        List<String> kubernetes;
    }

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "the kubeconfig of a --kubernetes CLUSTER given without one")
    Path kubeconfig;

    @Option(names = "--namespace", paramLabel = "NS",
            description = "compare only these namespaces (repeatable; default: every namespace with a policy)")
    List<String> namespaces = List.of();

    @Option(names = "--source", paramLabel = "PATH|git:REV[:PATH]",
            description = "the source of truth: policy files or a directory, or git:REV[:PATH] of the --repo repository;"
                    + " default: the version most clusters carry")
    String source;

    @Option(names = "--repo", paramLabel = "DIR", description = "the repository of a git: --source (default: the current directory)")
    Path repo = Path.of("");

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json|markdown",
            description = "text (the default), json ({\"drift\":[...],\"clusterPairs\":[...]}) or markdown")
    ReportFormat format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (format == ReportFormat.junit) {
            throw new UserError(List.of("--format junit: drift writes text, json or markdown"), Main.EXIT_USAGE);
        }
        PrintWriter err = spec.commandLine().getErr();
        Path dir = clusters.snapshot;
        Path taken = null;
        if (clusters.kubernetes != null) {
            taken = Files.createTempDirectory("reachproof-drift-");
            SnapshotCommand.take(clusters.kubernetes, kubeconfig, namespaces, taken, err);
            dir = taken;
        }
        try {
            PolicyDrift.Report report = compare(dir);
            PrintWriter out = spec.commandLine().getOut();
            switch (format) {
                case json -> out.println(json(report));
                case markdown -> out.print(markdown(report, source));
                default -> out.print(text(report, source));
            }
            out.flush();
            return report.drifted() ? Main.EXIT_FAILED : Main.EXIT_OK;
        } finally {
            if (taken != null) {
                deleteTree(taken);
            }
        }
    }

    private PolicyDrift.Report compare(Path dir) {
        ClusterInputs inputs = new ClusterInputs();
        inputs.source = new ClusterInputs.Source();
        inputs.source.snapshot = dir;
        List<PolicyDrift.ClusterState> states = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (ClusterInputs.Cluster c : inputs.clusters()) {
            PolicyInputReader.Result topology = ClusterInputs.readTopology(c.topology());
            PolicyInputReader.Result policies = ClusterInputs.readPolicies(c.livePolicies().stream().toList());
            problems.addAll(topology.errors());
            problems.addAll(policies.errors());
            states.add(new PolicyDrift.ClusterState(c.name(), policies.input().policies(), new PolicyInput(List.of(),
                    topology.input().namespaces(), topology.input().pods(), List.of())));
        }
        Optional<List<Located<NetworkPolicy>>> truth = Optional.empty();
        if (source != null) {
            PolicyInputReader.Result read;
            if (GitRevision.isGit(source)) {
                read = PolicyInputReader.read(GitRevision.parse("--source", source).read(repo), List.of());
            } else {
                if (!Files.exists(Path.of(source))) {
                    throw new UserError(List.of("--source " + source + ": no such file or directory"), Main.EXIT_USAGE);
                }
                read = ClusterInputs.readPolicies(List.of(Path.of(source)));
            }
            problems.addAll(read.errors());
            truth = Optional.of(read.input().policies());
        }
        if (!problems.isEmpty()) {
            throw new UserError(problems, Main.EXIT_USAGE);
        }
        Set<String> only = Set.copyOf(namespaces);
        try {
            return PolicyDrift.compare(states, truth, ns -> only.isEmpty() || only.contains(ns));
        } catch (IllegalArgumentException e) {
            throw new UserError(List.of(e.getMessage()), Main.EXIT_USAGE);
        }
    }

    static String json(PolicyDrift.Report report) {
        try {
            return Json.mapper().writeValueAsString(PolicyDriftJson.tree(report));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    static String summary(PolicyDrift.Report report, String source) {
        int clusterCount = report.drift().isEmpty() ? 0 : report.drift().get(0).clusters().size();
        long cells = report.drift().stream().mapToLong(PolicyDrift.Entry::cellsAffected).sum();
        String against = source == null ? "each other (the version most clusters carry)" : source;
        if (!report.drifted()) {
            return "no drift: every compared cluster carries the same NetworkPolicies as " + against;
        }
        return report.drift().size() + " polic" + (report.drift().size() == 1 ? "y" : "ies") + " drifted in "
                + clusterCount + " clusters against " + against + "; " + cells + " cell" + (cells == 1 ? "" : "s")
                + " affected";
    }

    /** {@code differs in gcp-lab; missing in aws-lab}. */
    static String where(PolicyDrift.Entry e) {
        List<String> parts = new ArrayList<>();
        for (PolicyDrift.State state : List.of(PolicyDrift.State.DIFFERS, PolicyDrift.State.MISSING, PolicyDrift.State.EXTRA)) {
            List<String> in = e.in(state);
            if (!in.isEmpty()) {
                parts.add(state.spelling() + " in " + String.join(", ", in));
            }
        }
        return String.join("; ", parts);
    }

    static String text(PolicyDrift.Report report, String source) {
        StringWriter w = new StringWriter();
        PrintWriter out = new PrintWriter(w);
        out.println("drift: " + summary(report, source));
        for (PolicyDrift.Entry e : PolicyDriftJson.ranked(report)) {
            out.println("  " + e.namespace() + "/" + e.name() + ": " + where(e) + " (reference: " + e.reference() + "); "
                    + e.cellsAffected() + " cell" + (e.cellsAffected() == 1 ? "" : "s") + " affected");
            e.fields().forEach(f -> out.println("    " + f));
        }
        if (!report.clusterPairs().isEmpty()) {
            out.println("cells whose verdict differs between two clusters (pods both have):");
            report.clusterPairs().forEach(p -> out.println("  " + p.a() + " ~ " + p.b() + ": " + p.cellsDiffering()));
        }
        out.flush();
        return w.toString();
    }

    static String markdown(PolicyDrift.Report report, String source) {
        StringWriter w = new StringWriter();
        PrintWriter out = new PrintWriter(w);
        out.println("**reachproof drift**: " + summary(report, source));
        if (report.drifted()) {
            out.println();
            out.println("| policy | where | cells affected | fields |");
            out.println("|---|---|---|---|");
            for (PolicyDrift.Entry e : PolicyDriftJson.ranked(report)) {
                out.println("| `" + e.namespace() + "/" + e.name() + "` | " + where(e) + " | " + e.cellsAffected() + " | "
                        + e.fields().stream().map(f -> "`" + f.replace("|", "\\|").replace("`", "'") + "`")
                                .collect(Collectors.joining("<br>")) + " |");
            }
        }
        if (!report.clusterPairs().isEmpty()) {
            out.println();
            out.println("| cluster pair | cells whose verdict differs |");
            out.println("|---|---|");
            report.clusterPairs().forEach(p -> out.println("| " + p.a() + " ~ " + p.b() + " | " + p.cellsDiffering() + " |"));
        }
        out.flush();
        return w.toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
