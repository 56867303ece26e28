package io.reachproof.expectations;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.yaml.SourceRef;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Group cells of random rule sets against a direct reading of the precedence rules. */
class RulePrecedenceTest {

    private static final List<String> GROUPS = List.of("a", "b", "c", "ext");
    private static final SourceRef AT = new SourceRef("p.yaml", 1, 1);

    @Provide
    Arbitrary<List<Rule>> ruleSets() {
        Arbitrary<String> from = Arbitraries.of("a", "b", "c", "*");
        Arbitrary<String> to = Arbitraries.of("a", "b", "c", "ext", "*");
        Arbitrary<PortSpec> port = Arbitraries.of(PortSpec.of(80, Protocol.TCP), PortSpec.of(53, Protocol.UDP), PortSpec.of(80, Protocol.HTTP));
        Arbitrary<Verdict> verdict = Arbitraries.of(Verdict.class);
        Arbitrary<Integer> line = Arbitraries.integers().between(1, 1000);
        return Combinators.combine(from, to, port.list().ofMinSize(1).ofMaxSize(2).uniqueElements(), verdict, line)
                .as((f, t, p, v, l) -> new Rule(f, t, p, v, new SourceRef("p.yaml", l, 1)))
                .list().ofMinSize(1).ofMaxSize(6);
    }

    private static ConnectivityExpectation expectation(List<Rule> rules, Optional<Verdict> defaultVerdict) {
        Map<String, Group> groups = new LinkedHashMap<>();
        for (String g : GROUPS) {
            groups.put(g, new Group(g, List.of(), null, null, null, g.equals("ext") ? List.of("example.com") : List.of(), AT));
        }
        return new ConnectivityExpectation("p", Duration.ofSeconds(1), defaultVerdict, groups, rules, false, AT, Optional.empty(), AT);
    }

    private static int rank(Rule r) {
        return (r.from().equals("*") ? 0 : 1) + (r.to().equals("*") ? 0 : 1);
    }

    private static boolean covers(Rule r, String from, String to, PortSpec p) {
        return (r.from().equals("*") || r.from().equals(from)) && (r.to().equals("*") || r.to().equals(to))
                && r.ports().stream().anyMatch(x -> x.port() == p.port() && x.protocol() == p.protocol());
    }

    @Property
    void everyCellHasTheVerdictOfTheMostSpecificRuleOrTheDefault(@ForAll("ruleSets") List<Rule> rules, @ForAll Optional<Verdict> defaultVerdict) {
        ConnectivityExpectation e = expectation(rules, defaultVerdict);
        boolean conflicts = !RuleExpansion.of(e).conflicts().isEmpty();
        List<GroupCell> cells = ExpectationResolver.groupCells(e);

        Map<List<Object>, Verdict> seen = new HashMap<>();
        for (GroupCell c : cells) {
            assertThat(c.from()).isNotEqualTo("ext");
            Verdict before = seen.put(List.of(c.from(), c.to(), c.port().port(), c.port().protocol()), c.verdict());
            assertThat(before == null || before == c.verdict()).as("one verdict per cell").isTrue();
            List<Rule> covering = new ArrayList<>(rules.stream().filter(r -> covers(r, c.from(), c.to(), c.port())).toList());
            if (covering.isEmpty()) {
                assertThat(defaultVerdict).contains(c.verdict());
                assertThat(c.rule()).isEqualTo(AT);
            } else if (!conflicts) {
                int best = covering.stream().mapToInt(RulePrecedenceTest::rank).max().orElseThrow();
                assertThat(covering).filteredOn(r -> rank(r) == best).allSatisfy(r -> assertThat(r.verdict()).isEqualTo(c.verdict()));
            }
        }
        if (defaultVerdict.isEmpty()) {
            assertThat(cells).allSatisfy(c -> assertThat(rules).anySatisfy(r -> assertThat(covers(r, c.from(), c.to(), c.port())).isTrue()));
        }
    }
}
