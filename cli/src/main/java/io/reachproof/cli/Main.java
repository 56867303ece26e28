package io.reachproof.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code reachproof} command. Exit codes: 0 ok, 1 the thing checked failed or invalid input, 2 usage error. */
@Command(
        name = "reachproof",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Continuous conformance prober for Kubernetes NetworkPolicies.",
        subcommands = {
            CommandLine.HelpCommand.class,
            ValidateCommand.class,
            CompileCommand.class,
            ExplainCommand.class,
            CheckCommand.class,
            DiffCommand.class,
            SnapshotCommand.class,
            DriftCommand.class,
            ProbeCommand.class,
            AgentCommand.class,
            CoordinatorCommand.class,
            LabCommand.class,
            ConformanceCommand.class,
            GateCommand.class,
            StatusCommand.class,
            RollbackCommand.class,
            ReportCommand.class,
        })
public final class Main implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code; what tests call. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setExitCodeExceptionMapper(Main::exitCodeOf);
        cmd.setExecutionExceptionHandler(Main::handleExecutionException);
        cmd.getCommandSpec().exitCodeOnUsageHelp(EXIT_OK);
        return cmd;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    private static int exitCodeOf(Throwable t) {
        if (t instanceof UserError u) {
            return u.exitCode();
        }
        return t instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_FAILED;
    }

    private static int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (e instanceof UserError u) {
            u.lines().forEach(err::println);
            err.flush();
            return u.exitCode();
        }
        if (e instanceof CommandLine.ParameterException p) {
            err.println("reachproof: " + p.getMessage());
            p.getCommandLine().usage(err);
            err.flush();
            return EXIT_USAGE;
        }
        err.println("reachproof: internal error: " + e);
        if (System.getenv("REACHPROOF_DEBUG") != null) {
            e.printStackTrace(err);
        } else {
            err.println("(set REACHPROOF_DEBUG=1 to see the stack trace, and please report it)");
        }
        err.flush();
        return EXIT_FAILED;
    }

    /** Version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"reachproof " + (v == null ? "dev" : v)};
        }
    }
}
