package io.reachproof.cli;

import io.reachproof.policy.MultiClusterTable;
import io.reachproof.policy.TruthTable;
import io.reachproof.policy.TruthTableWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code reachproof compile}: the truth table a set of NetworkPolicies implies for a topology. */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Prints the truth table the NetworkPolicies imply: for every ordered pair of distinct pods and every"
                + " port the destination declares, allow or deny. Objects of other kinds are skipped (named on stderr)."
                + " With --cluster (several clusters), pods are CLUSTER/NS/POD and pairs across clusters are judged by"
                + " address: the source cluster's egress ipBlocks on the destination pod IP, the destination cluster's"
                + " ingress ipBlocks on the source pod IP or the source cluster's --egress-addresses.")
public final class CompileCommand implements Callable<Integer> {

    /** Output formats. */
    enum Format { table, json }

    @Mixin
    PolicyInputOptions input;

    @Option(names = "--format", defaultValue = "table", paramLabel = "table|json",
            description = "table (for people, the default) or json ({\"cells\":[{\"from\",\"to\",\"port\",\"protocol\",\"verdict\"}]})")
    Format format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (input.multiCluster()) {
            MultiClusterTable clusters = input.loadClusters(spec.commandLine().getErr());
            if (format == Format.json) {
                TruthTableWriter.json(clusters, out);
            } else {
                TruthTableWriter.text(clusters, out);
            }
            out.flush();
            return Main.EXIT_OK;
        }
        TruthTable table = input.load(spec.commandLine().getErr());
        if (format == Format.json) {
            TruthTableWriter.json(table, out);
        } else {
            TruthTableWriter.text(table, out);
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
