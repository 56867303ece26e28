package io.reachproof.cli;

import io.reachproof.expectations.ConnectivityExpectation;
import io.reachproof.expectations.ExpectationReader;
import io.reachproof.expectations.ReadResult;
import io.reachproof.policy.PolicyCheck;
import io.reachproof.policy.TruthTable;
import io.reachproof.yaml.Problem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reachproof check}: the hand-written expectations against the truth table the NetworkPolicies imply, per
 * cluster, before anything is deployed. Exit 0 when every expectation holds, 1 on any predicted HOLE or BLOCKED,
 * 2 on bad input.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Checks expectations against the truth table the NetworkPolicies imply, per cluster: every cell"
                + " where the policies would open a HOLE (expected deny) or cause a BLOCKED (expected allow), with the"
                + " rule that decides it; rules that select no pod in a cluster are warnings. Exit 0 all satisfied,"
                + " 1 any predicted mismatch, 2 bad input.")
final class CheckCommand implements Callable<Integer> {

    @Option(names = "--expectations", required = true, arity = "1..*", paramLabel = "FILE",
            description = "ConnectivityExpectation files")
    List<Path> expectations;

    @Option(names = "--policies", paramLabel = "PATH",
            description = "NetworkPolicies (file or directory); with --snapshot, default: each cluster's live policies")
    Path policies;

    @Mixin
    ClusterInputs clusters;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json|markdown|junit",
            description = "text (the default), json ({\"violations\":[...],\"warnings\":[...]}), markdown or junit (XML)")
    ReportFormat format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<ConnectivityExpectation> read = readExpectations(expectations);
        PrintWriter err = spec.commandLine().getErr();
        if (policies == null && clusters.source.topology != null) {
            throw new UserError(List.of("--policies is required with --topology"), Main.EXIT_USAGE);
        }
        List<PolicyCheck.Report> reports = new ArrayList<>();
        for (ClusterInputs.Cluster cluster : clusters.clusters()) {
            List<Path> policyPaths = policies != null ? List.of(policies) : cluster.livePolicies().stream().toList();
            TruthTable table = ClusterInputs.compile(policyPaths, cluster.topology(), err);
            reports.add(PolicyCheck.check(cluster.name(), table, read));
        }
        PrintWriter out = spec.commandLine().getOut();
        CheckReportWriter.write(reports, format, out);
        out.flush();
        boolean violated = reports.stream().anyMatch(r -> !r.violations().isEmpty());
        return violated ? Main.EXIT_FAILED : Main.EXIT_OK;
    }

    /** The expectations of {@code files}; any problem is a UserError (exit 2) listing them all. */
    static List<ConnectivityExpectation> readExpectations(List<Path> files) {
        ReadResult read = new ExpectationReader().readAll(files);
        if (!read.ok()) {
            throw new UserError(read.problems().stream().map(Problem::toString).toList(), Main.EXIT_USAGE);
        }
        return read.expectations();
    }
}
