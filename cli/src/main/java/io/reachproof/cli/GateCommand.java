package io.reachproof.cli;

import io.reachproof.cli.gate.GateAnswer;
import io.reachproof.cli.gate.JUnitReport;
import io.reachproof.cli.remote.CoordinatorClient;
import io.reachproof.cli.remote.CoordinatorClient.CoordinatorException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code reachproof gate}: a post-deploy smoke gate. Triggers a round, waits for the first complete round
 * that started after the trigger, and exits 0 (pass), 1 (mismatches) or 2 (inconclusive, timed out,
 * coordinator unreachable).
 */
@Command(
        name = "gate",
        mixinStandardHelpOptions = true,
        description = {
            "Post-deploy smoke gate: asks the coordinator to run a round now, waits for the first complete round",
            "after that, and exits 0 when it proved every cell as expected, 1 when it found mismatches,",
            "2 when it could not conclude (too little proven, timed out, coordinator unreachable)."
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:pass: a complete round since the trigger, no mismatches",
            "1:fail: the round found mismatches (HOLE or BLOCKED)",
            "2:inconclusive (no round proved enough before the timeout), timed out, coordinator unreachable,"
                    + " or a usage error"
        })
public final class GateCommand implements Callable<Integer> {

    public static final int EXIT_INCONCLUSIVE = 2;

    @CommandLine.Mixin
    CoordinatorOptions target;

    @Option(names = "--timeout", defaultValue = "2m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "give up (exit 2) when no complete round finished by then (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--junit", paramLabel = "FILE", description = "write a JUnit XML report to FILE")
    Path junit;

    @Option(names = "--min-coverage", defaultValue = "1.0", paramLabel = "FRACTION",
            description = "share of cells the round must prove, 0 to 1 (default: ${DEFAULT-VALUE})")
    double minCoverage;

    @Option(names = "--poll-interval", defaultValue = "1s", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "how often to ask the gate endpoint while waiting (default: ${DEFAULT-VALUE})")
    Duration pollInterval;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!(minCoverage >= 0 && minCoverage <= 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--min-coverage must be from 0 to 1: " + minCoverage);
        }
        CoordinatorClient client = target.client(spec.commandLine(),
                Duration.ofSeconds(Math.max(1, Math.min(10, timeout.toSeconds()))));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String name = target.expectation == null ? "(the coordinator's expectation)" : target.expectation;
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("coordinator", target.coordinator.toString());
        props.put("expectation", target.expectation == null ? "" : target.expectation);

        GateAnswer answer;
        Instant since;
        try {
            since = client.serverNow(target.expectation);
            props.put("since", since.toString());
            String round = client.trigger(target.expectation);
            if (round != null) {
                props.put("triggeredRound", round);
            }
            answer = waitForRound(client, since, t0);
        } catch (CoordinatorException e) {
            return inconclusive(err, name, e.getMessage(), props, t0, started);
        }
        if (answer == null) {
            String msg = "no complete round of " + name + " started since " + since + " finished within "
                    + DurationText.of(timeout);
            return inconclusive(err, name, msg, props, t0, started);
        }
        String resolved = answer.body().path("expectation").asText(name);
        props.put("expectation", resolved);
        props.put("state", answer.body().path("state").asText());
        props.put("round", answer.body().path("round").path("id").asText(""));
        props.put("traceId", answer.body().path("round").path("traceId").asText(""));
        GateAnswer.State state = answer.state();
        if (state == null) {
            return inconclusive(err, name, "the coordinator at " + client.coordinator() + " answered HTTP "
                    + answer.status() + ": " + answer.message(), props, t0, started);
        }
        if (junit != null) {
            JUnitReport.of(resolved, answer, props, elapsed(t0), started).write(junit);
        }
        switch (state) {
            case PASS -> {
                out.println("PASS " + resolved + ": " + answer.message());
                out.flush();
                return Main.EXIT_OK;
            }
            case FAIL -> {
                out.println("FAIL " + resolved + ": " + answer.message());
                answer.body().path("mismatches").forEach(m -> out.println("  " + m.path("text").asText()));
                String trace = answer.body().path("round").path("traceId").asText("");
                if (!trace.isEmpty()) {
                    out.println("  trace " + trace);
                }
                out.flush();
                return Main.EXIT_FAILED;
            }
            default -> {
                err.println("reachproof gate: INCONCLUSIVE " + resolved + ": " + answer.message() + " (gave up after "
                        + DurationText.of(timeout) + ")");
                err.flush();
                return EXIT_INCONCLUSIVE;
            }
        }
    }

    /**
     * Asks until a complete round since {@code since} passes or fails. While the answer is pending (no such
     * round yet) or inconclusive (the round proved too little: agents warming up, a target lost) it triggers
     * again and keeps asking: a trigger that joined a round already open at {@code since} does not count, and
     * a newer round decides. At the timeout it returns the last inconclusive answer, or null when every answer
     * was pending.
     */
    private GateAnswer waitForRound(CoordinatorClient client, Instant since, long t0) throws CoordinatorException {
        GateAnswer inconclusive = null;
        while (true) {
            GateAnswer answer = client.ask(target.expectation, since, minCoverage);
            GateAnswer.State state = answer.state();
            if (state != GateAnswer.State.PENDING && state != GateAnswer.State.INCONCLUSIVE) {
                return answer;
            }
            if (state == GateAnswer.State.INCONCLUSIVE) {
                inconclusive = answer;
            }
            Duration left = timeout.minus(elapsed(t0));
            if (left.isNegative() || left.isZero()) {
                return inconclusive;
            }
            client.trigger(target.expectation);
            try {
                Thread.sleep(Math.min(pollInterval.toMillis(), left.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CoordinatorException("interrupted while waiting for a round");
            }
        }
    }

    private int inconclusive(PrintWriter err, String name, String message, Map<String, String> props, long t0,
            Instant started) throws IOException {
        if (junit != null) {
            JUnitReport.ofError(target.expectation == null ? "default" : target.expectation, message, props, elapsed(t0), started)
                    .write(junit);
        }
        err.println("reachproof gate: INCONCLUSIVE " + name + ": " + message);
        err.flush();
        return EXIT_INCONCLUSIVE;
    }

    private static Duration elapsed(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** {@code 2m}, {@code 90s}, {@code 1500ms}: how a duration was probably written. */
    static final class DurationText {
        private DurationText() {
        }

        static String of(Duration d) {
            if (d.toMillis() % 60_000 == 0) {
                return d.toMinutes() + "m";
            }
            if (d.toMillis() % 1000 == 0) {
                return d.toSeconds() + "s";
            }
            return d.toMillis() + "ms";
        }
    }

}
