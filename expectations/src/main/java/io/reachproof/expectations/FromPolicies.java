package io.reachproof.expectations;

import static java.util.Objects.requireNonNull;

import io.reachproof.yaml.SourceRef;
import java.util.List;

/**
 * {@code spec.fromPolicies}: the expected verdict of every ordered pair of members of pod groups
 * {@code groups} (empty = every pod group), on {@code ports} (empty = every port the destination pod
 * declares), is what the NetworkPolicies in force imply. The policy engine computes the verdicts;
 * {@code expect} rules still override the cells they name.
 */
public record FromPolicies(List<String> groups, List<PortSpec> ports, SourceRef source) {

    public FromPolicies {
        groups = List.copyOf(requireNonNull(groups, "groups"));
        ports = List.copyOf(requireNonNull(ports, "ports"));
        requireNonNull(source, "source");
    }

    /** Whether the pair {@code from -> to} of pod groups gets its verdicts from the policies. */
    public boolean covers(String from, String to) {
        return groups.isEmpty() || groups.contains(from) && groups.contains(to);
    }
}
