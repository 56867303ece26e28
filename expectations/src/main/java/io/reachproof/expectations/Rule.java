package io.reachproof.expectations;

import static java.util.Objects.requireNonNull;

import io.reachproof.yaml.SourceRef;
import io.reachproof.protocol.Verdict;
import java.util.List;

/**
 * One {@code expect} entry: traffic from group {@code from} to group {@code to} on each of
 * {@code ports} has {@code verdict}. {@code from} or {@code to} may be {@link #EVERY_GROUP}.
 */
public record Rule(String from, String to, List<PortSpec> ports, Verdict verdict, SourceRef source) {

    public static final String EVERY_GROUP = "*";

    public Rule {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        ports = List.copyOf(requireNonNull(ports, "ports"));
        requireNonNull(verdict, "verdict");
        requireNonNull(source, "source");
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("rule at " + source + " has no ports");
        }
    }
}
