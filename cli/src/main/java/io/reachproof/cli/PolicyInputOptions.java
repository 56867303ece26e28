package io.reachproof.cli;

import io.reachproof.policy.PolicyEngine;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.policy.TruthTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The inputs of {@code compile} and {@code explain}: policies and topology, read and compiled once. */
final class PolicyInputOptions {

    @Option(names = "--policies", required = true, paramLabel = "PATH",
            description = "NetworkPolicies: a YAML/JSON file or a directory (recursive); Pods and Namespaces in it are ignored")
    Path policies;

    @Option(names = "--topology", required = true, paramLabel = "PATH",
            description = "Namespaces and Pods (e.g. kubectl get ns,pods,networkpolicies -A -o yaml); NetworkPolicies in it are ignored")
    Path topology;

    /** Reads and compiles; skipped objects are named on {@code err}; invalid input is a {@link UserError}. */
    TruthTable load(PrintWriter err) {
        PolicyInputReader.Result read = PolicyInputReader.read(List.of(policies), List.of(topology));
        read.input().skipped().forEach(err::println);
        err.flush();
        PolicyEngine.Result result = PolicyEngine.compile(read.input(), read.errors());
        if (!result.errors().isEmpty()) {
            throw new UserError(result.errors(), Main.EXIT_FAILED);
        }
        return result.table().orElseThrow();
    }
}
