package io.reachproof.expectations;

import io.reachproof.protocol.Protocol;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Expands the rules of one expectation into group-level claims: {@code "*"} stands for every pod group
 * as source and every group (external ones too) as destination; a more specific rule (fewer
 * {@code "*"}) wins over a less specific one for the same (from, to, port, protocol); rules of equal
 * specificity that disagree are conflicts. Shared by the reader (which reports the conflicts) and the
 * resolver (which builds the cells).
 */
final class RuleExpansion {

    /** What a cell is keyed on for precedence and conflicts: HTTP checks on one port are one key. */
    record Key(String from, String to, int port, Protocol protocol) {
    }

    /** Two rules of equal specificity that give {@code key} different verdicts. */
    record Conflict(Rule earlier, Rule later, Key key) {
    }

    private static final class Claim {
        final int specificity;
        final Rule rule;
        final Set<PortSpec> ports = new LinkedHashSet<>();

        Claim(int specificity, Rule rule) {
            this.specificity = specificity;
            this.rule = rule;
        }
    }

    private final Map<Key, Claim> claims = new LinkedHashMap<>();
    private final Map<String, Set<PortSpec>> portsByDestination = new LinkedHashMap<>();
    private final List<Conflict> conflicts = new ArrayList<>();
    private final ConnectivityExpectation expectation;

    private RuleExpansion(ConnectivityExpectation expectation) {
        this.expectation = expectation;
        List<String> sources = expectation.podGroupNames();
        List<String> destinations = List.copyOf(expectation.groups().keySet());
        Set<List<Rule>> reported = new HashSet<>();
        for (Rule rule : expectation.rules()) {
            List<String> from = expand(rule.from(), sources, true);
            List<String> to = expand(rule.to(), destinations, false);
            int specificity = (Rule.EVERY_GROUP.equals(rule.from()) ? 0 : 1) + (Rule.EVERY_GROUP.equals(rule.to()) ? 0 : 1);
            for (String f : from) {
                for (String t : to) {
                    for (PortSpec p : rule.ports()) {
                        portsByDestination.computeIfAbsent(t, k -> new LinkedHashSet<>()).add(p);
                        Key key = new Key(f, t, p.port(), p.protocol());
                        Claim c = claims.get(key);
                        if (c == null || c.specificity < specificity) {
                            c = new Claim(specificity, rule);
                            claims.put(key, c);
                        } else if (c.specificity > specificity) {
                            continue;
                        } else if (c.rule.verdict() != rule.verdict()) {
                            if (reported.add(List.of(c.rule, rule))) {
                                conflicts.add(new Conflict(c.rule, rule, key));
                            }
                            continue;
                        }
                        c.ports.add(p);
                    }
                }
            }
        }
    }

    /** {@code "*"} as {@code every}; a known group as itself, unless it is external and may not be a source. */
    private List<String> expand(String name, List<String> every, boolean source) {
        if (Rule.EVERY_GROUP.equals(name)) {
            return every;
        }
        Group g = expectation.groups().get(name);
        return g == null || source && g.isExternal() ? List.of() : List.of(name);
    }

    static RuleExpansion of(ConnectivityExpectation expectation) {
        return new RuleExpansion(expectation);
    }

    List<Conflict> conflicts() {
        return conflicts;
    }

    boolean claimed(Key key) {
        return claims.containsKey(key);
    }

    /** Cells set by rules (in rule order), then default cells (when a default verdict is set). */
    List<GroupCell> cells() {
        List<GroupCell> cells = new ArrayList<>();
        claims.forEach((key, claim) -> {
            for (PortSpec p : claim.ports) {
                cells.add(new GroupCell(key.from(), key.to(), p, claim.rule.verdict(), claim.rule.source()));
            }
        });
        expectation.defaultVerdict().ifPresent(verdict -> {
            for (String from : expectation.podGroupNames()) {
                for (String to : expectation.groups().keySet()) {
                    for (PortSpec p : portsByDestination.getOrDefault(to, Set.of())) {
                        if (!claims.containsKey(new Key(from, to, p.port(), p.protocol()))) {
                            cells.add(new GroupCell(from, to, p, verdict, expectation.defaultVerdictAt()));
                        }
                    }
                }
            }
        });
        return cells;
    }
}
