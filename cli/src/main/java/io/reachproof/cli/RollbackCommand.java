package io.reachproof.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.reachproof.cli.remote.CoordinatorClient;
import io.reachproof.cli.remote.CoordinatorClient.CoordinatorException;
import io.reachproof.protocol.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code reachproof rollback}: restores a cluster's last proven NetworkPolicies (or a proven version named) through
 * a running coordinator, which keeps the proven sets, writes only in the namespaces its sync group allows and records
 * what it did; {@code --dry-run} prints the exact objects it would write; {@code --list} the proven versions.
 */
@Command(
        name = "rollback",
        mixinStandardHelpOptions = true,
        description = {
            "Restore the NetworkPolicies of a cluster to the last set a round proved (or to a proven version),",
            "through a running coordinator: changed policies are applied as their proven versions (server-side",
            "apply, field manager reachproof), policies created since are deleted, only in the namespaces of the",
            "cluster's sync group. --dry-run prints the exact objects and writes nothing."
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:restored, nothing to restore, a dry run, or the list",
            "1:the rollback failed or there is no proven version to restore",
            "2:a usage error, or the coordinator refused the request (no rollback in that cluster, unknown version,"
                    + " coordinator unreachable)"
        })
final class RollbackCommand implements Callable<Integer> {

    @CommandLine.Mixin
    CoordinatorTarget target;

    @Option(names = "--cluster", required = true, paramLabel = "CLUSTER", description = "the cluster to restore")
    String cluster;

    @ArgGroup(exclusive = true)
    To to;

    static final class To {
        @Option(names = "--to", paramLabel = "last-proven", description = "restore the last proven set (the default)")
        String named;

        @Option(names = "--to-version", paramLabel = "ID", description = "restore this proven version (see --list)")
        String version;
    }

    @Option(names = "--dry-run", description = "print what would be written; write nothing")
    boolean dryRun;

    @Option(names = "--list", description = "list the cluster's proven versions and its newest rollbacks; write nothing")
    boolean list;

    @Option(names = "--json", description = "print the coordinator's JSON answer")
    boolean json;

    @Option(names = "--request-timeout", defaultValue = "30s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "give up on an unanswered request after this long (default: ${DEFAULT-VALUE})")
    Duration requestTimeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (to != null && to.named != null && !to.named.equals("last-proven")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--to takes last-proven (or use --to-version ID),"
                    + " not '" + to.named + "'");
        }
        CoordinatorClient client = target.client(spec.commandLine(), requestTimeout);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        JsonNode answer;
        try {
            answer = list ? client.rollbacks()
                    : client.rollback(cluster, to != null && to.version != null ? to.version : "last-proven", dryRun);
        } catch (CoordinatorException e) {
            err.println("reachproof rollback: " + e.getMessage());
            err.flush();
            return Main.EXIT_USAGE;
        }
        if (json) {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(answer));
            out.flush();
            return list ? Main.EXIT_OK : exit(answer);
        }
        if (list) {
            printList(answer, out);
            out.flush();
            return Main.EXIT_OK;
        }
        print(answer, out);
        out.flush();
        return exit(answer);
    }

    private static int exit(JsonNode record) {
        String outcome = record.path("outcome").asText();
        return outcome.equals("failed") || outcome.equals("nothing-proven") ? Main.EXIT_FAILED : Main.EXIT_OK;
    }

    /** {@code rollback in C: OUTCOME}, the message, each action, and in a dry run each object as YAML. */
    static void print(JsonNode r, PrintWriter out) {
        out.println("rollback in " + r.path("cluster").asText() + ": " + r.path("outcome").asText()
                + (r.hasNonNull("version") ? " (proven version " + r.get("version").asText() + ", proven by round "
                        + r.path("provenBy").asText() + ")" : ""));
        out.println("  " + r.path("message").asText());
        KubernetesSerialization yaml = new KubernetesSerialization();
        for (JsonNode a : r.path("actions")) {
            out.println("  " + a.path("action").asText() + " networkpolicy " + a.path("namespace").asText() + "/"
                    + a.path("name").asText());
            if (r.path("outcome").asText().equals("dry-run") && a.hasNonNull("object")) {
                out.print(indent(yaml.asYaml(a.get("object")), "    "));
            }
        }
    }

    private void printList(JsonNode status, PrintWriter out) {
        JsonNode versions = status.path("proven").path(cluster);
        out.println("proven policy versions of " + cluster + " (newest first):" + (versions.isEmpty() ? " none yet" : ""));
        for (JsonNode v : versions) {
            out.println("  " + v.path("version").asText() + "  proven " + v.path("provenAt").asText() + " by round "
                    + v.path("provenBy").asText() + " of " + v.path("expectation").asText() + ", "
                    + v.path("policies").size() + " NetworkPolicies");
        }
        out.println("rollbacks in " + cluster + " (newest first):");
        boolean any = false;
        for (JsonNode r : status.path("rollbacks")) {
            if (r.path("cluster").asText().equals(cluster)) {
                any = true;
                out.println("  " + r.path("at").asText() + "  " + r.path("outcome").asText() + "  " + r.path("trigger").asText()
                        + ": " + r.path("message").asText());
            }
        }
        if (!any) {
            out.println("  none");
        }
    }

    private static String indent(String text, String by) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.equals("---")) {
                b.append(by).append(line).append('\n');
            }
        }
        return b.toString();
    }
}
