package io.reachproof.policy;

import static java.util.Objects.requireNonNull;

import io.reachproof.expectations.ConnectivityExpectation;
import io.reachproof.expectations.Endpoint;
import io.reachproof.expectations.ExpectationResolver;
import io.reachproof.expectations.Group;
import io.reachproof.expectations.GroupCell;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Verdict;
import io.reachproof.yaml.SourceRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Hand-written expectations against the truth table the policies imply, in one cluster, before anything is
 * deployed: every cell where the policies would open a {@link MismatchKind#HOLE} or cause a
 * {@link MismatchKind#BLOCKED}, with the explanation of the predicted verdict. A cell is a pod pair of the two
 * groups and a port the destination pod declares (the cells {@code compile} prints; HTTP is checked as TCP).
 * An expectation rule none of whose cells exists in the cluster proves nothing there and is a {@link Warning}.
 * Expectations with {@code fromPolicies} take their verdicts from the policies and are not checked.
 */
public final class PolicyCheck {

    private PolicyCheck() {
    }

    /**
     * A cell where the policies contradict a rule: {@code rule} (the expectation rule, or its
     * {@code defaultVerdict}) says {@code expected} for groups {@code fromGroup -> toGroup}; the policies say the
     * opposite. {@link #explanation()} says why; it is worked out when asked for (a report shows a few examples of
     * thousands of cells), from {@code why}.
     */
    public record Violation(String cluster, String expectation, String fromGroup, String toGroup, SourceRef rule,
            PodRef from, PodRef to, PodPort port, Verdict expected, Supplier<Explanation> why) {

        public Violation {
            requireNonNull(cluster, "cluster");
            requireNonNull(expectation, "expectation");
            requireNonNull(fromGroup, "fromGroup");
            requireNonNull(toGroup, "toGroup");
            requireNonNull(rule, "rule");
            requireNonNull(from, "from");
            requireNonNull(to, "to");
            requireNonNull(port, "port");
            requireNonNull(expected, "expected");
            requireNonNull(why, "why");
        }

        /** Why the policies decide this cell as they do. */
        public Explanation explanation() {
            return why.get();
        }

        /** What the policies decide: the opposite of {@code expected}. */
        public Verdict predicted() {
            return expected == Verdict.ALLOW ? Verdict.DENY : Verdict.ALLOW;
        }

        public MismatchKind kind() {
            return expected == Verdict.DENY ? MismatchKind.HOLE : MismatchKind.BLOCKED;
        }
    }

    /** An expectation rule that proves nothing in {@code cluster}, and why. */
    public record Warning(String cluster, String expectation, SourceRef rule, String message) {

        public Warning {
            requireNonNull(cluster, "cluster");
            requireNonNull(expectation, "expectation");
            requireNonNull(rule, "rule");
            requireNonNull(message, "message");
        }

        /** {@code FILE:LINE: cluster C: expectation E: message}. */
        @Override
        public String toString() {
            return rule.fileLine() + ": cluster " + cluster + ": expectation " + expectation + ": " + message;
        }
    }

    /** What one cluster's check found; {@code cells} counts the cells compared. */
    public record Report(String cluster, List<Violation> violations, List<Warning> warnings, long cells) {

        public Report {
            requireNonNull(cluster, "cluster");
            violations = List.copyOf(violations);
            warnings = List.copyOf(warnings);
        }
    }

    /** Checks every expectation against {@code table}, the truth table of {@code cluster}. */
    public static Report check(String cluster, TruthTable table, List<ConnectivityExpectation> expectations) {
        requireNonNull(cluster, "cluster");
        requireNonNull(table, "table");
        List<Endpoint> endpoints = new ArrayList<>();
        List<PodRef> pods = table.pods();
        for (int i = 0; i < pods.size(); i++) {
            PodRef pod = pods.get(i);
            endpoints.add(Endpoint.pod(Integer.toString(i), cluster, "", pod.namespace(),
                    table.namespaceLabels(pod.namespace()), pod.name(), table.labels(i), List.of()));
        }
        List<List<Violation>> byCell = new ArrayList<>();
        List<Warning> warnings = new ArrayList<>();
        long cells = 0;
        Set<List<Object>> seen = new HashSet<>();
        for (ConnectivityExpectation expectation : expectations) {
            if (expectation.fromPolicies()) {
                warnings.add(new Warning(cluster, expectation.name(), expectation.source(),
                        "fromPolicies: its verdicts are the policies' own, nothing to check before deploy"));
                continue;
            }
            Map<String, int[]> members = new LinkedHashMap<>();
            expectation.groups().forEach((name, group) -> members.put(name, group.isExternal() ? new int[0]
                    : ExpectationResolver.members(group, endpoints).stream().mapToInt(e -> Integer.parseInt(e.id())).toArray()));
            Map<SourceRef, Coverage> coverage = new LinkedHashMap<>();
            for (GroupCell cell : ExpectationResolver.groupCells(expectation)) {
                Coverage covered = coverage.computeIfAbsent(cell.rule(), r -> new Coverage());
                Group toGroup = expectation.groups().get(cell.to());
                if (toGroup.isExternal()) {
                    covered.why.add("group " + cell.to() + " is external: not in the truth table");
                    continue;
                }
                int[] sources = members.get(cell.from());
                int[] destinations = members.get(cell.to());
                if (sources.length == 0 || destinations.length == 0) {
                    covered.why.add("group " + (sources.length == 0 ? cell.from() : cell.to()) + " selects no pod");
                    continue;
                }
                Protocol protocol = cell.port().protocol() == Protocol.HTTP ? Protocol.TCP : cell.port().protocol();
                int port = cell.port().port();
                if (!seen.add(List.of(expectation.name(), cell.from(), cell.to(), port, protocol, cell.verdict(), cell.rule()))) {
                    continue; // an HTTP check on a TCP port of the same rule: the same table cells, checked already
                }
                int[] portIndex = new int[destinations.length];
                for (int d = 0; d < destinations.length; d++) {
                    portIndex[d] = table.portIndex(destinations[d], port, protocol);
                }
                long before = cells;
                List<Violation> found = new ArrayList<>();
                for (int from : sources) {
                    for (int d = 0; d < destinations.length; d++) {
                        int to = destinations[d];
                        int k = portIndex[d];
                        if (k < 0 || from == to) {
                            continue;
                        }
                        cells++;
                        if (table.verdict(from, to, k) != cell.verdict()) {
                            found.add(new Violation(cluster, expectation.name(), cell.from(), cell.to(), cell.rule(),
                                    pods.get(from), pods.get(to), table.ports(to).get(k), cell.verdict(),
                                    () -> table.explain(from, to, port, protocol)));
                        }
                    }
                }
                if (!found.isEmpty()) {
                    byCell.add(found);
                }
                covered.cells += cells - before;
                if (cells == before) {
                    covered.why.add("no pod of group " + cell.to() + " declares " + port + "/" + protocol);
                }
            }
            coverage.forEach((rule, c) -> {
                if (c.cells == 0) {
                    warnings.add(new Warning(cluster, expectation.name(), rule,
                            "proves nothing here: " + String.join("; ", c.why)));
                }
            });
        }
        byCell.sort(Comparator.comparing(found -> found.get(0), ORDER));
        List<Violation> violations = new ArrayList<>();
        byCell.forEach(violations::addAll);
        return new Report(cluster, violations, warnings, cells);
    }

    /**
     * Violations by group pair, port, expected verdict and rule; within one, by source and destination pod (the
     * order of the loops, pods being sorted by name).
     */
    private static final Comparator<Violation> ORDER = Comparator.comparing(Violation::fromGroup)
            .thenComparing(Violation::toGroup).thenComparing(Violation::port).thenComparing(Violation::expected)
            .thenComparing(v -> v.rule().file()).thenComparingInt(v -> v.rule().line())
            .thenComparingInt(v -> v.rule().column()).thenComparing(Violation::expectation);

    private static final class Coverage {
        long cells;
        final Set<String> why = new LinkedHashSet<>();
    }
}
