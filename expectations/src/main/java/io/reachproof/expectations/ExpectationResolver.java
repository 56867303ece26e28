package io.reachproof.expectations;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an expectation into the cells to prove, as pure functions.
 *
 * <p>Group level ({@link #groupCells}): {@code "*"} as source stands for every pod group (external
 * groups are destinations only), as destination for every group. For one (from, to, port, protocol)
 * the most specific rule wins: a rule naming both groups beats one with a single {@code "*"}, which
 * beats {@code "*" -> "*"}; the default verdict fills only what no rule names. The default covers, for
 * every pod group as source and every group as destination, the ports that rules name for that
 * destination (a destination no rule names gets no default cells: nothing says which port to probe).
 * A group pair of one group with itself is a pair like any other (its members talk to each other).
 *
 * <p>Membership ({@link #membership}): the endpoints each group selects; external groups contribute one
 * {@link Endpoint#external} per address. The planner samples a round's probes from the group cells and the
 * members, never from an endpoint-level product.
 */
public final class ExpectationResolver {

    private ExpectationResolver() {
    }

    /** The group-level cells: rules expanded over {@code "*"}, precedence applied, defaults added. */
    public static List<GroupCell> groupCells(ConnectivityExpectation expectation) {
        return RuleExpansion.of(expectation).cells();
    }

    /**
     * The endpoints of {@code group}: the pods among {@code endpoints} it selects, or, for an external
     * group, one external endpoint per address it lists.
     */
    public static List<Endpoint> members(Group group, Collection<Endpoint> endpoints) {
        if (group.isExternal()) {
            return group.external().stream().map(Endpoint::external).toList();
        }
        List<Endpoint> members = new ArrayList<>();
        for (Endpoint e : endpoints) {
            if (group.matches(e)) {
                members.add(e);
            }
        }
        return members;
    }

    /** The members of every group of {@code expectation}, by group name, in group order. */
    public static Map<String, List<Endpoint>> membership(ConnectivityExpectation expectation, Collection<Endpoint> endpoints) {
        Map<String, List<Endpoint>> members = new LinkedHashMap<>();
        expectation.groups().forEach((name, group) -> members.put(name, members(group, endpoints)));
        return members;
    }
}
