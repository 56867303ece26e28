package io.reachproof.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code reachproof} command line in-process, capturing what it prints. */
final class CliRun {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Runs one command line; returns its exit code. Output accumulates over runs. */
    int run(String... args) {
        return capture(Main.commandLine()).execute(args);
    }

    /** A command line around one command object (e.g. with an injected environment), printing here. */
    CommandLine wrap(Object command) {
        return capture(new CommandLine(command));
    }

    private CommandLine capture(CommandLine cmd) {
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd;
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }
}
