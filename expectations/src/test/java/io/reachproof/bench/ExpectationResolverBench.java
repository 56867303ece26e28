package io.reachproof.bench;

import io.reachproof.expectations.ConnectivityExpectation;
import io.reachproof.expectations.Endpoint;
import io.reachproof.expectations.ExpectationReader;
import io.reachproof.expectations.ExpectationResolver;
import io.reachproof.expectations.ReadResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Figures for the planner's use of the expectations core at production size: 5,000 agents in 3
 * clusters, 50 groups. Run with {@code scripts/bench-expectations}; prints the median of timed runs
 * after warm-up. Not a test: speed is measured, never asserted.
 */
public final class ExpectationResolverBench {

    private static final int AGENTS = 5_000;
    private static final int NAMESPACES = 10;
    private static final int APPS = 5;

    private ExpectationResolverBench() {
    }

    public static void main(String[] args) {
        String yaml = expectationYaml(true);
        String noDefault = expectationYaml(false);
        List<Endpoint> fleet = fleet();
        ExpectationReader reader = new ExpectationReader();
        ConnectivityExpectation withDefault = read(reader, yaml);
        ConnectivityExpectation rulesOnly = read(reader, noDefault);

        report("read a 50-group, 51-rule file", () -> reader.read("bench.yaml", yaml).expectations().size(), "expectation");
        report("groupCells, 50 groups, default deny", () -> ExpectationResolver.groupCells(withDefault).size(), "group cells");
        report("membership of 50 groups over 5,000 agents", () -> ExpectationResolver.membership(withDefault, fleet).size(), "groups");
        report("groupCells + membership, 51 rules, 5,000 agents", () -> ExpectationResolver.groupCells(rulesOnly).size()
                + ExpectationResolver.membership(rulesOnly, fleet).size(), "group cells + groups");
    }

    private static ConnectivityExpectation read(ExpectationReader reader, String yaml) {
        ReadResult r = reader.read("bench.yaml", yaml);
        if (!r.ok()) {
            throw new IllegalStateException(r.problems().toString());
        }
        return r.expectations().get(0);
    }

    private static void report(String what, Supplier<Integer> work, String unit) {
        int size = 0;
        for (int i = 0; i < 5; i++) {
            size = work.get();
        }
        int runs = 15;
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            size = work.get();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%-45s %10.3f ms median (min %.3f, max %.3f)  -> %,d %s%n",
                what, nanos[runs / 2] / 1e6, nanos[0] / 1e6, nanos[runs - 1] / 1e6, size, unit);
    }

    private static List<Endpoint> fleet() {
        List<Endpoint> fleet = new ArrayList<>(AGENTS);
        String[] clusters = {"aws-prod", "gcp-prod", "azure-prod"};
        for (int i = 0; i < AGENTS; i++) {
            String ns = "ns" + (i % NAMESPACES);
            String app = "app" + ((i / NAMESPACES) % APPS);
            fleet.add(Endpoint.pod("agent-" + i, clusters[i % 3], "cloud", ns, Map.of("kubernetes.io/metadata.name", ns, "team", ns),
                    "pod-" + i, Map.of("app", app, "tier", "api", "pod-template-hash", "h" + (i % 7)), List.of("10.0." + (i / 250) + "." + (i % 250))));
        }
        return fleet;
    }

    private static String expectationYaml(boolean withDefault) {
        StringBuilder b = new StringBuilder("""
                apiVersion: reachproof.io/v1alpha1
                kind: ConnectivityExpectation
                metadata: {name: bench}
                spec:
                """);
        if (withDefault) {
            b.append("  defaultVerdict: deny\n");
        }
        b.append("  groups:\n");
        for (int n = 0; n < NAMESPACES; n++) {
            for (int a = 0; a < APPS; a++) {
                b.append("    g").append(n).append('-').append(a).append(": {namespace: ns").append(n)
                        .append(", podSelector: {matchExpressions: [{key: app, operator: In, values: [app").append(a).append("]}]}}\n");
            }
        }
        b.append("  expect:\n");
        int groups = NAMESPACES * APPS;
        for (int g = 0; g < groups; g++) {
            int next = (g + 1) % groups;
            b.append("    - {from: g").append(g / APPS).append('-').append(g % APPS).append(", to: g").append(next / APPS).append('-')
                    .append(next % APPS).append(", ports: [\"8443/TCP\", {port: 8080, protocol: HTTP, path: /healthz}], verdict: allow}\n");
        }
        b.append("    - {from: \"*\", to: g0-0, ports: [\"9090/TCP\"], verdict: deny}\n");
        return b.toString();
    }

}
