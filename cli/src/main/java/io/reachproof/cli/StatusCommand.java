package io.reachproof.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.reachproof.cli.remote.CoordinatorClient;
import io.reachproof.cli.remote.CoordinatorClient.CoordinatorException;
import io.reachproof.policy.PolicyDrift;
import io.reachproof.policy.PolicyDriftJson;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.RoundReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code reachproof status}: what a running coordinator proved last, as the lab shows it. Reads the newest
 * round of one expectation set; exits 0 when it has no mismatches, 1 when it has, 2 when there is nothing
 * to show (no finished round, unknown set, coordinator unreachable).
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show the newest round of an expectation set on a running coordinator:",
            "cells per group pair and cluster pair, inconclusive cells per reason,",
            "every mismatch, and how old the round is."
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:the newest round has no mismatches",
            "1:the newest round has mismatches (HOLE or BLOCKED)",
            "2:no round to show (none finished yet, unknown expectation, coordinator unreachable) or a usage error"
        })
final class StatusCommand implements Callable<Integer> {

    static final int EXIT_NOTHING_TO_SHOW = 2;

    @CommandLine.Mixin
    CoordinatorOptions target;

    @Option(names = "--json", description = "print the round report as JSON instead of the table")
    boolean json;

    @Option(names = "--request-timeout", defaultValue = "10s", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "give up on an unanswered request after this long (default: ${DEFAULT-VALUE})")
    Duration requestTimeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CoordinatorClient client = target.client(spec.commandLine(), requestTimeout);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RoundReport report;
        try {
            report = client.latestRound(target.expectation);
        } catch (CoordinatorException e) {
            err.println("reachproof status: " + e.getMessage());
            err.flush();
            return EXIT_NOTHING_TO_SHOW;
        }
        if (json) {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } else {
            out.print(LabTable.render(report));
            out.println(age(report, Instant.now()));
            try {
                client.drift().ifPresent(d -> out.print(drift(d)));
            } catch (CoordinatorException e) {
                err.println("reachproof status: policy drift not shown: " + e.getMessage());
            }
        }
        out.flush();
        return report.mismatches().isEmpty() ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

    /**
     * The drift section: per sync group the comparison as {@code reachproof drift} prints it, or that the group waits
     * for clusters that have not listed their policies yet; nothing for groups in sync.
     */
    static String drift(JsonNode drift) {
        StringBuilder b = new StringBuilder();
        for (JsonNode g : drift.path("groups")) {
            String name = g.path("name").asText();
            if (!g.path("waitingFor").isEmpty()) {
                List<String> waiting = new ArrayList<>();
                g.get("waitingFor").forEach(c -> waiting.add(c.asText()));
                b.append("sync group ").append(name).append(": waiting for the policies of ")
                        .append(String.join(", ", waiting)).append('\n');
                continue;
            }
            PolicyDrift.Report report = PolicyDriftJson.read(g);
            if (report.drifted()) {
                String source = g.path("source").asText();
                b.append("sync group ").append(name).append(' ')
                        .append(DriftCommand.text(report, source.equals("each other") ? null : source));
            }
        }
        return b.toString();
    }

    /** How long ago the round finished: a status that stopped changing is itself news at 3 a.m. */
    static String age(RoundReport report, Instant now) {
        long seconds = Math.max(0, Duration.between(Instant.ofEpochMilli(report.finishedAtEpochMillis()), now)
                .toSeconds());
        String ago = seconds < 120 ? seconds + " s" : seconds < 7200 ? seconds / 60 + " min" : seconds / 3600 + " h";
        return "(round " + report.roundId() + " finished " + ago + " ago" + (report.complete() ? "" : ", incomplete")
                + ")";
    }
}
