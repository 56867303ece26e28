package io.reachproof.cli;

import io.reachproof.expectations.ConnectivityExpectation;
import io.reachproof.policy.PolicyCheck;
import io.reachproof.policy.PolicyDiff;
import io.reachproof.policy.PodPort;
import io.reachproof.policy.PodRef;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.policy.TruthTable;
import io.reachproof.yaml.SourceRef;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reachproof diff}: every cell whose verdict changes between two policy sets (and, with
 * {@code --before-topology}, two topologies), per cluster, each with the rule that causes it. Exit 0 when it
 * ran (changes or not), 1 when the change breaks an expectation rule of {@code --expectations}, 2 on bad input.
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = "Shows every cell whose verdict changes from the --before policies to the --after policies, per"
                + " cluster, aggregated by namespace pair and port with a few example pods (json: every cell), each with"
                + " the rule that causes it. --before git:REV[:PATH] reads the policies at a git revision.")
final class DiffCommand implements Callable<Integer> {

    @Option(names = "--before", paramLabel = "PATH|git:REV[:PATH]",
            description = "the policies before the change: a file or directory, or git:REV[:PATH] (PATH relative to the"
                    + " repository's top; default: the --after path); with --snapshot, default: each cluster's live policies")
    String before;

    @Option(names = "--after", required = true, paramLabel = "PATH", description = "the policies after the change")
    Path after;

    @Mixin
    ClusterInputs clusters;

    @Option(names = "--before-topology", paramLabel = "PATH",
            description = "the topology before a workload change (with --topology, which is then the topology after it)")
    Path beforeTopology;

    @Option(names = "--expectations", arity = "1..*", paramLabel = "FILE",
            description = "expectation files: the summary counts the expectation rules the change breaks")
    List<Path> expectations = List.of();

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json|markdown|junit",
            description = "text (the default), json ({\"changes\":[...]}, every cell), markdown (a pull-request comment)"
                    + " or junit (XML)")
    ReportFormat format;

    @Spec
    CommandSpec spec;

    /** The changed cells of one cluster and the expectation rules the change breaks there ({@code file:line}). */
    record Report(String cluster, List<PolicyDiff.Change> changes, Set<String> broken) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        List<ConnectivityExpectation> expected = expectations.isEmpty() ? List.of()
                : CheckCommand.readExpectations(expectations);
        if (before == null && clusters.source.snapshot == null) {
            throw new UserError(List.of("--before is required with --topology"), Main.EXIT_USAGE);
        }
        if (beforeTopology != null && clusters.source.topology == null) {
            throw new UserError(List.of("--before-topology goes with --topology, not --snapshot"), Main.EXIT_USAGE);
        }
        GitRevision git = before != null && GitRevision.isGit(before) ? GitRevision.parse(before) : null;
        var gitTexts = git == null ? null : git.read(after);
        List<Report> reports = new ArrayList<>();
        for (ClusterInputs.Cluster cluster : clusters.clusters()) {
            PolicyInputReader.Result topologyAfter = ClusterInputs.readTopology(cluster.topology());
            PolicyInputReader.Result topologyBefore = beforeTopology != null ? ClusterInputs.readTopology(beforeTopology)
                    : topologyAfter;
            PolicyInputReader.Result policiesBefore;
            if (gitTexts != null) {
                policiesBefore = PolicyInputReader.read(gitTexts, List.of());
            } else {
                policiesBefore = ClusterInputs.readPolicies(before != null ? List.of(Path.of(before))
                        : cluster.livePolicies().stream().toList());
            }
            PolicyInputReader.Result policiesAfter = ClusterInputs.readPolicies(List.of(after));
            ClusterInputs.printSkipped(err, policiesBefore, policiesAfter, topologyAfter);
            TruthTable old = ClusterInputs.compile(policiesBefore, topologyBefore);
            TruthTable now = ClusterInputs.compile(policiesAfter, topologyAfter);
            List<PolicyDiff.Change> changes = PolicyDiff.diff(cluster.name(), old, now);
            Set<String> broken = expected.isEmpty() ? Set.of()
                    : broken(PolicyCheck.check(cluster.name(), old, expected), PolicyCheck.check(cluster.name(), now, expected), now);
            reports.add(new Report(cluster.name(), changes, broken));
        }
        PrintWriter out = spec.commandLine().getOut();
        DiffReportWriter.write(reports, format, out);
        out.flush();
        boolean broke = reports.stream().anyMatch(r -> !r.broken().isEmpty());
        return broke ? Main.EXIT_FAILED : Main.EXIT_OK;
    }

    /** The rules ({@code file:line}) with a violation after the change that they did not have before it. */
    static Set<String> broken(PolicyCheck.Report before, PolicyCheck.Report after, TruthTable now) {
        Map<PodRef, Integer> index = new HashMap<>();
        List<PodRef> pods = now.pods();
        for (int i = 0; i < pods.size(); i++) {
            index.put(pods.get(i), i);
        }
        Map<SourceRef, Set<Long>> was = new HashMap<>();
        for (PolicyCheck.Violation v : before.violations()) {
            Integer from = index.get(v.from());
            Integer to = index.get(v.to());
            if (from != null && to != null) {
                was.computeIfAbsent(v.rule(), r -> new HashSet<>()).add(cell(from, to, v.port(), pods.size()));
            }
        }
        Set<SourceRef> broken = new HashSet<>();
        for (PolicyCheck.Violation v : after.violations()) {
            if (!broken.contains(v.rule()) && !was.getOrDefault(v.rule(), Set.of())
                    .contains(cell(index.get(v.from()), index.get(v.to()), v.port(), pods.size()))) {
                broken.add(v.rule());
            }
        }
        return broken.stream().map(SourceRef::fileLine).collect(Collectors.toCollection(TreeSet::new));
    }

    private static long cell(int from, int to, PodPort port, int pods) {
        return (((long) from * pods + to) * 65536 + port.port()) * 4 + port.protocol().ordinal();
    }
}
