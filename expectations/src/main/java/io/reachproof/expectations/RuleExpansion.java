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
 * {@code "*"}; with as many, one that names its {@code clusters}) wins over a less specific one for the same
 * (from, to, port, protocol) and cluster pairs; rules of equal specificity that disagree are conflicts. Between
 * pod groups a claim is kept per kind of cluster pair (same cluster, other clusters), so a rule for
 * {@code clusters: other} can take the cross-cluster pairs of a rule for any; where both kinds come from one rule,
 * the cell is one again. Shared by the reader (which reports the conflicts) and the resolver (which builds the
 * cells).
 */
final class RuleExpansion {

    /**
     * What a cell is keyed on for precedence and conflicts: HTTP checks on one port are one key; {@code clusters}
     * is {@code SAME} or {@code OTHER} between pod groups, {@code ANY} to an external group.
     */
    record Key(String from, String to, int port, Protocol protocol, ClusterScope clusters) {

        /** {@code from -> to PORT/PROTOCOL}, and which cluster pairs unless {@code anyPair}. */
        String describe(boolean anyPair) {
            return from + " -> " + to + " " + port + "/" + protocol + (anyPair || clusters == ClusterScope.ANY ? ""
                    : clusters == ClusterScope.SAME ? " within a cluster" : " across clusters");
        }
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
            int specificity = 2 * ((Rule.EVERY_GROUP.equals(rule.from()) ? 0 : 1) + (Rule.EVERY_GROUP.equals(rule.to()) ? 0 : 1))
                    + (rule.clusters() == ClusterScope.ANY ? 0 : 1);
            for (String f : from) {
                for (String t : to) {
                    for (ClusterScope scope : scopes(rule, t)) {
                        for (PortSpec p : rule.ports()) {
                            portsByDestination.computeIfAbsent(t, k -> new LinkedHashSet<>()).add(p);
                            claim(new Key(f, t, p.port(), p.protocol(), scope), specificity, rule, p, reported);
                        }
                    }
                }
            }
        }
    }

    private void claim(Key key, int specificity, Rule rule, PortSpec p, Set<List<Rule>> reported) {
        Claim c = claims.get(key);
        if (c == null || c.specificity < specificity) {
            c = new Claim(specificity, rule);
            claims.put(key, c);
        } else if (c.specificity > specificity) {
            return;
        } else if (c.rule.verdict() != rule.verdict()) {
            if (reported.add(List.of(c.rule, rule))) {
                conflicts.add(new Conflict(c.rule, rule, key));
            }
            return;
        }
        c.ports.add(p);
    }

    /** The kinds of cluster pair a rule claims toward {@code to}: one (ANY) to an external group. */
    private List<ClusterScope> scopes(Rule rule, String to) {
        if (expectation.groups().get(to).isExternal()) {
            return List.of(ClusterScope.ANY);
        }
        return rule.clusters() == ClusterScope.ANY ? List.of(ClusterScope.SAME, ClusterScope.OTHER) : List.of(rule.clusters());
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

    /**
     * Cells set by rules (in rule order), then default cells (when a default verdict is set). Where one rule claims
     * both kinds of cluster pair of a key, it is one cell for any pair.
     */
    List<GroupCell> cells() {
        List<GroupCell> cells = new ArrayList<>();
        claims.forEach((key, claim) -> {
            ClusterScope scope = key.clusters();
            if (scope == ClusterScope.OTHER) {
                Claim same = claims.get(withScope(key, ClusterScope.SAME));
                if (same != null && same.rule == claim.rule) {
                    return; // one cell with the SAME claim, for any pair
                }
            } else if (scope == ClusterScope.SAME) {
                Claim other = claims.get(withScope(key, ClusterScope.OTHER));
                if (other != null && other.rule == claim.rule) {
                    scope = ClusterScope.ANY;
                }
            }
            for (PortSpec p : claim.ports) {
                cells.add(new GroupCell(key.from(), key.to(), p, claim.rule.verdict(), claim.rule.source(), scope));
            }
        });
        expectation.defaultVerdict().ifPresent(verdict -> {
            for (String from : expectation.podGroupNames()) {
                for (String to : expectation.groups().keySet()) {
                    for (PortSpec p : portsByDestination.getOrDefault(to, Set.of())) {
                        List<ClusterScope> unclaimed = new ArrayList<>();
                        for (ClusterScope scope : expectation.groups().get(to).isExternal() ? List.of(ClusterScope.ANY)
                                : List.of(ClusterScope.SAME, ClusterScope.OTHER)) {
                            if (!claims.containsKey(new Key(from, to, p.port(), p.protocol(), scope))) {
                                unclaimed.add(scope);
                            }
                        }
                        if (unclaimed.size() == 2 || unclaimed.contains(ClusterScope.ANY)) {
                            cells.add(new GroupCell(from, to, p, verdict, expectation.defaultVerdictAt()));
                        } else if (unclaimed.size() == 1) {
                            cells.add(new GroupCell(from, to, p, verdict, expectation.defaultVerdictAt(), unclaimed.get(0)));
                        }
                    }
                }
            }
        });
        return cells;
    }

    private static Key withScope(Key key, ClusterScope scope) {
        return new Key(key.from(), key.to(), key.port(), key.protocol(), scope);
    }
}
