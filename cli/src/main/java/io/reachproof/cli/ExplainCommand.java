package io.reachproof.cli;

import io.reachproof.policy.Explanation;
import io.reachproof.policy.FromPoliciesResolver;
import io.reachproof.policy.MultiClusterTable;
import io.reachproof.policy.PodPort;
import io.reachproof.policy.PodRef;
import io.reachproof.policy.TruthTable;
import io.reachproof.protocol.Protocol;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code reachproof explain}: the verdict of one cell and which policies and rules decide it. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Explains one connection: the verdict, the egress side (policies selecting the source) and the"
                + " ingress side (policies selecting the destination), with the rule that allowed it (file:line)"
                + " or the policies that isolate the pod when nothing allows it.")
public final class ExplainCommand implements Callable<Integer> {

    private static final Pattern NUMERIC = Pattern.compile("(\\d{1,5})(?:/([A-Za-z]+))?");
    private static final Pattern NAMED = Pattern.compile("[a-z0-9][a-z0-9-]{0,14}");

    @Mixin
    PolicyInputOptions input;

    @Option(names = "--from", required = true, paramLabel = "[CLUSTER/]NS/POD", description = "the source pod (CLUSTER/NS/POD with --cluster)")
    String from;

    @Option(names = "--to", required = true, paramLabel = "[CLUSTER/]NS/POD", description = "the destination pod (CLUSTER/NS/POD with --cluster)")
    String to;

    @Option(names = "--port", required = true, paramLabel = "PORT[/PROTOCOL]|NAME",
            description = "80/TCP, 53/UDP, 80 (TCP), or a port name of the destination pod (serve-80-tcp)")
    String port;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Matcher numeric = NUMERIC.matcher(port);
        boolean isNumber = numeric.matches();
        if (!isNumber && !NAMED.matcher(port).matches()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--port must be PORT/PROTOCOL (80/TCP), PORT (TCP) or a port name: " + port);
        }
        Protocol protocol = Protocol.TCP;
        int number = 0;
        if (isNumber) {
            number = Integer.parseInt(numeric.group(1));
            String p = numeric.group(2) == null ? "TCP" : numeric.group(2).toUpperCase(Locale.ROOT);
            if (number < 1 || number > 65535 || !List.of("TCP", "UDP", "SCTP").contains(p)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--port must be in 1..65535 with protocol TCP, UDP or SCTP: " + port);
            }
            protocol = Protocol.valueOf(p);
        }
        if (input.multiCluster()) {
            return explainAcrossClusters(input.loadClusters(spec.commandLine().getErr()), isNumber, number, protocol);
        }
        TruthTable table = input.load(spec.commandLine().getErr());
        int source = pod(table, "--from", from);
        int destination = pod(table, "--to", to);
        PodPort asked = cell(source, destination, table.ports(destination), isNumber, number, protocol);
        Explanation explanation = table.explain(source, destination, asked.port(), asked.protocol());
        PrintWriter out = spec.commandLine().getOut();
        explanation.lines().forEach(out::println);
        out.flush();
        return Main.EXIT_OK;
    }

    /** Several clusters: pods are CLUSTER/NS/POD; the last line names the deciding policy and, across clusters, its side. */
    private int explainAcrossClusters(MultiClusterTable table, boolean isNumber, int number, Protocol protocol) {
        int source = pod(table.indexOf(from), table.pods(), "--from", from);
        int destination = pod(table.indexOf(to), table.pods(), "--to", to);
        PodPort asked = cell(source, destination, table.ports(destination), isNumber, number, protocol);
        FromPoliciesResolver.PolicyDecision decision = table.decision(source, destination, asked.port(), asked.protocol());
        PrintWriter out = spec.commandLine().getOut();
        decision.explanation().lines().forEach(out::println);
        out.println("decided by: " + decision.decidedBy());
        out.flush();
        return Main.EXIT_OK;
    }

    /**
     * The port asked for on the destination (its {@code ports}): the number given, or the port it names; a self pair
     * or an unknown name is a user error.
     */
    private PodPort cell(int source, int destination, List<PodPort> ports, boolean isNumber, int number,
            Protocol protocol) {
        if (source == destination) {
            throw new UserError("--from and --to are the same pod " + from
                    + ": self pairs are not part of the truth table (CNIs disagree on loopback)");
        }
        if (isNumber) {
            return new PodPort(number, protocol, List.of());
        }
        return ports.stream()
                .filter(p -> p.names().contains(port))
                .findFirst()
                .orElseThrow(() -> new UserError("pod " + to + " declares no port named " + port
                        + " (its ports: " + describe(ports) + ")"));
    }

    private static int pod(TruthTable table, String option, String id) {
        return pod(table.indexOf(id), table.pods().stream().map(PodRef::toString).toList(), option, id);
    }

    private static int pod(OptionalInt index, List<String> ids, String option, String id) {
        if (index.isPresent()) {
            return index.getAsInt();
        }
        String nearest = ids.stream()
                .filter(p -> p.startsWith(id))
                .findFirst()
                .or(() -> ids.stream().min(Comparator.comparingInt((String p) -> distance(p, id)).thenComparing(p -> p)))
                .map(p -> "; did you mean " + p + "?")
                .orElse("; the topology has no pods");
        throw new UserError(option + ": no pod " + id + " in the topology" + nearest);
    }

    private static String describe(List<PodPort> ports) {
        if (ports.isEmpty()) {
            return "none";
        }
        return String.join(", ", ports.stream()
                .map(p -> p.label() + (p.names().isEmpty() ? "" : " " + String.join("/", p.names())))
                .toList());
    }

    /** Levenshtein distance, for "did you mean". */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
