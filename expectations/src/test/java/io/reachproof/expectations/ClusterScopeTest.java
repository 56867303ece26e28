package io.reachproof.expectations;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.yaml.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code clusters: same|other|any} on a rule: which cluster pairs it speaks for, its precedence and its conflicts. */
class ClusterScopeTest {

    private final ExpectationReader reader = new ExpectationReader();

    private static String expectation(String defaultVerdict, String... rules) {
        StringBuilder y = new StringBuilder("""
                apiVersion: reachproof.io/v1alpha1
                kind: ConnectivityExpectation
                metadata: {name: shop}
                spec:
                """);
        if (defaultVerdict != null) {
            y.append("  defaultVerdict: ").append(defaultVerdict).append('\n');
        }
        y.append("""
                  groups:
                    a: {namespace: a}
                    b: {namespace: b}
                    meta: {external: ["169.254.169.254/32"]}
                  expect:
                """);
        for (String r : rules) {
            y.append("    - ").append(r).append('\n');
        }
        return y.toString();
    }

    private List<String> cells(String yaml) {
        ReadResult read = reader.read("t.yaml", yaml);
        assertThat(read.problems()).isEmpty();
        return ExpectationResolver.groupCells(read.expectations().get(0)).stream()
                .map(c -> c.from() + ">" + c.to() + " " + c.port().port() + " " + c.verdict().spelling() + " "
                        + c.clusters().spelling() + " @" + c.rule().line())
                .toList();
    }

    @Test
    void aRuleSpeaksForEveryClusterPairUnlessItNamesItsClusters() {
        assertThat(cells(expectation(null,
                "{from: a, to: b, ports: [80/TCP], verdict: allow}",
                "{from: b, to: a, ports: [80/TCP], verdict: deny, clusters: same}",
                "{from: a, to: a, ports: [80/TCP], verdict: allow, clusters: other}")))
                .containsExactly("a>b 80 allow any @10", "b>a 80 deny same @11", "a>a 80 allow other @12");
    }

    @Test
    void aRuleForSomeClusterPairsWinsOverOneForAllOfThemAndLeavesItTheRest() {
        assertThat(cells(expectation(null,
                "{from: a, to: b, ports: [80/TCP], verdict: allow}",
                "{from: a, to: b, ports: [80/TCP], verdict: deny, clusters: other}")))
                .containsExactly("a>b 80 allow same @10", "a>b 80 deny other @11");
        // a named group still wins over "*", whatever "*" names of clusters
        assertThat(cells(expectation(null,
                "{from: '*', to: b, ports: [80/TCP], verdict: deny, clusters: same}",
                "{from: a, to: b, ports: [80/TCP], verdict: allow}")))
                .containsExactly("a>b 80 allow any @11", "b>b 80 deny same @10");
    }

    @Test
    void theDefaultVerdictFillsTheClusterPairsNoRuleClaims() {
        assertThat(cells(expectation("deny", "{from: a, to: b, ports: [80/TCP], verdict: allow, clusters: same}")))
                .contains("a>b 80 allow same @11", "a>b 80 deny other @5", "b>b 80 deny any @5");
    }

    @Test
    void rulesOfOneSpecificityConflictOnlyWhereTheirClusterPairsMeet() {
        assertThat(cells(expectation(null,
                "{from: a, to: b, ports: [80/TCP], verdict: allow, clusters: same}",
                "{from: a, to: b, ports: [80/TCP], verdict: deny, clusters: other}")))
                .containsExactly("a>b 80 allow same @10", "a>b 80 deny other @11");

        ReadResult read = reader.read("t.yaml", expectation(null,
                "{from: a, to: b, ports: [80/TCP], verdict: allow, clusters: other}",
                "{from: a, to: b, ports: [80/TCP], verdict: deny, clusters: other}"));
        assertThat(read.problems()).map(Problem::toString).containsExactly(
                "t.yaml:11:7: conflicting verdicts for a -> b 80/TCP across clusters: deny here, allow at t.yaml:10");
        ReadResult unscoped = reader.read("t.yaml", expectation(null,
                "{from: a, to: b, ports: [80/TCP], verdict: allow}",
                "{from: a, to: b, ports: [80/TCP], verdict: deny}"));
        assertThat(unscoped.problems()).map(Problem::toString).containsExactly(
                "t.yaml:11:7: conflicting verdicts for a -> b 80/TCP: deny here, allow at t.yaml:10");
    }

    @Test
    void anUnknownScopeIsAnErrorNamingTheNearestOneAndAnExternalDestinationIgnoresIt() {
        ReadResult read = reader.read("t.yaml", expectation(null,
                "{from: a, to: b, ports: [80/TCP], verdict: allow, clusters: sam}"));
        assertThat(read.problems()).map(Problem::toString).singleElement().asString()
                .isEqualTo("t.yaml:10:67: unknown cluster scope 'sam' (did you mean 'same'?)");

        assertThat(cells(expectation(null, "{from: a, to: meta, ports: [80/TCP], verdict: deny, clusters: other}")))
                .containsExactly("a>meta 80 deny any @10");
    }
}
