package io.reachproof.cli;

import io.reachproof.expectations.ConnectivityExpectation;
import io.reachproof.expectations.ExpectationReader;
import io.reachproof.expectations.ExpectationResolver;
import io.reachproof.expectations.GoDuration;
import io.reachproof.yaml.Problem;
import io.reachproof.expectations.ReadResult;
import io.reachproof.protocol.Verdict;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code reachproof validate FILE...}: one summary line per valid expectation on stdout, every problem
 * as {@code FILE:LINE:COLUMN: message} on stderr; exit 0 when every file is valid, 1 otherwise (a
 * missing or unreadable file too), 2 without files.
 */
@Command(name = "validate", description = "Check ConnectivityExpectation files; print one line per valid expectation, every error as FILE:LINE:COLUMN: message.")
final class ValidateCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "expectation files (YAML, several documents each allowed)")
    List<Path> files;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ReadResult result = new ExpectationReader().readAll(files);
        PrintWriter out = spec.commandLine().getOut();
        result.expectations().forEach(e -> out.println(summary(e)));
        out.flush();
        if (!result.ok()) {
            throw new UserError(result.problems().stream().map(Problem::toString).toList(), Main.EXIT_FAILED);
        }
        return Main.EXIT_OK;
    }

    /** {@code FILE: NAME: 5 groups, 7 rules, 23 cells, every 30s, default none[, from policies]}. */
    static String summary(ConnectivityExpectation e) {
        int cells = ExpectationResolver.groupCells(e).size();
        return e.source().file() + ": " + e.name() + ": "
                + count(e.groups().size(), "group") + ", " + count(e.rules().size(), "rule") + ", " + count(cells, "cell")
                + ", every " + GoDuration.format(e.interval())
                + ", default " + e.defaultVerdict().map(Verdict::spelling).orElse("none")
                + (e.fromPolicies() ? ", from policies" : "");
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
