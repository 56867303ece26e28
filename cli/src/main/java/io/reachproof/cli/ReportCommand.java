package io.reachproof.cli;

import io.reachproof.cli.remote.CoordinatorClient;
import io.reachproof.coordinator.report.ProofReport;
import io.reachproof.coordinator.report.ReportFormat;
import io.reachproof.coordinator.report.ReportTime;
import io.reachproof.coordinator.store.JdbcStore;
import io.reachproof.coordinator.store.ReportQuery;
import io.reachproof.coordinator.store.StoreException;
import io.reachproof.coordinator.store.StoreSettings;
import io.reachproof.coordinator.store.StoreUnavailable;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reachproof report}: the living proof record of a period, from a running coordinator ({@code --coordinator})
 * or straight from its database ({@code --store}): the expectation versions, the policy versions per cluster with a
 * diff and who changed them, the rounds and coverage over time, every mismatch episode, time to enforce and gate runs.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "The proof record of a period: requirements, implementation, results (html, markdown or json).")
final class ReportCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--coordinator", paramLabel = "URL", description = "a running coordinator (GET /v1/report)")
        URI coordinator;

        @Option(names = "--store", paramLabel = "JDBC_URL",
                description = "the database itself: jdbc:postgresql://HOST:PORT/DB or jdbc:h2:file:... (lab: printed at start)")
        String store;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:REACHPROOF_TOKEN}",
            description = "with --coordinator: its admin token (default: $REACHPROOF_TOKEN)")
    String token;

    @Option(names = "--user", paramLabel = "USER", description = "with --store: the database user")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE", description = "with --store: a file whose first line is the password")
    Path passwordFile;

    @Option(names = "--since", paramLabel = "TIME", defaultValue = "7d",
            description = "from (an instant, a day like 2026-11-01, or a time ago like 30d; default ${DEFAULT-VALUE})")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "until (same forms; default now)")
    String until;

    @Option(names = "--cluster", paramLabel = "NAME", description = "only this cluster's episodes, policies, time to enforce")
    String cluster;

    @Option(names = "--expectation", paramLabel = "NAME", description = "only this expectation set")
    String expectation;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "html",
            description = "html (one self-contained file), markdown or json (default ${DEFAULT-VALUE})")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the report here (default: standard output)")
    Path output;

    @Spec
    CommandSpec spec;

    private final Clock clock;

    ReportCommand() {
        this(Clock.systemUTC());
    }

    ReportCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        ReportFormat fmt;
        ReportQuery query;
        Instant now = clock.instant();
        try {
            fmt = ReportFormat.parse(format.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--format: " + e.getMessage());
        }
        try {
            Instant from = ReportTime.parse(since, now);
            Instant to = until == null ? now : ReportTime.parse(until, now);
            query = new ReportQuery(from, to, Optional.ofNullable(cluster), Optional.ofNullable(expectation));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--since/--until: " + e.getMessage());
        }
        String text = source.store != null ? fromStore(cmd, query, fmt) : fromCoordinator(cmd, fmt);
        if (output != null) {
            try {
                Files.writeString(output, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UserError("cannot write " + output + ": " + e.getMessage());
            }
            cmd.getErr().println("reachproof report: " + output + " (" + fmt.name().toLowerCase(Locale.ROOT) + ")");
        } else {
            PrintWriter out = cmd.getOut();
            out.print(text);
            out.flush();
        }
        return Main.EXIT_OK;
    }

    private String fromStore(CommandLine cmd, ReportQuery query, ReportFormat fmt) {
        if (!source.store.startsWith("jdbc:postgresql://") && !source.store.startsWith("jdbc:h2:")) {
            throw new CommandLine.ParameterException(cmd, "--store must be jdbc:postgresql://HOST:PORT/DB or jdbc:h2:...: "
                    + source.store);
        }
        Optional<String> password = Optional.empty();
        if (passwordFile != null) {
            try {
                password = Files.readAllLines(passwordFile).stream().findFirst().map(String::strip);
            } catch (IOException e) {
                throw new UserError("--password-file: cannot read " + passwordFile + ": " + e.getMessage());
            }
        }
        StoreSettings settings = new StoreSettings(source.store, Optional.ofNullable(user), password,
                StoreSettings.DEFAULT_RETENTION);
        try (JdbcStore store = JdbcStore.open(settings)) {
            return new ProofReport().render(store.read(query), fmt);
        } catch (StoreUnavailable | StoreException e) {
            throw new UserError(e.getMessage());
        }
    }

    private String fromCoordinator(CommandLine cmd, ReportFormat fmt) {
        CoordinatorTarget target = new CoordinatorTarget();
        target.coordinator = source.coordinator;
        target.token = token;
        CoordinatorClient client = target.client(cmd, Duration.ofMinutes(2));
        List<String> q = new ArrayList<>();
        q.add("since=" + enc(since));
        Optional.ofNullable(until).ifPresent(u -> q.add("until=" + enc(u)));
        Optional.ofNullable(cluster).ifPresent(c -> q.add("cluster=" + enc(c)));
        Optional.ofNullable(expectation).ifPresent(e -> q.add("expectation=" + enc(e)));
        q.add("format=" + fmt.name().toLowerCase(Locale.ROOT));
        try {
            return client.report(String.join("&", q));
        } catch (CoordinatorClient.CoordinatorException e) {
            throw new UserError(e.getMessage());
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
