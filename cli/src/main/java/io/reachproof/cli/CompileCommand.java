package io.reachproof.cli;

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
                + " port the destination declares, allow or deny. Objects of other kinds are skipped (named on stderr).")
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
        TruthTable table = input.load(spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            TruthTableWriter.json(table, out);
        } else {
            TruthTableWriter.text(table, out);
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
