package io.reachproof.expectations;

import static java.util.Objects.requireNonNull;

import io.reachproof.yaml.SourceRef;
import io.reachproof.protocol.Verdict;
import java.util.List;

/**
 * One {@code expect} entry: traffic from group {@code from} to group {@code to} on each of
 * {@code ports} has {@code verdict}, between the cluster pairs of {@code clusters}. {@code from} or {@code to}
 * may be {@link #EVERY_GROUP}.
 */
public record Rule(String from, String to, List<PortSpec> ports, Verdict verdict, SourceRef source, ClusterScope clusters) {

    public static final String EVERY_GROUP = "*";

    public Rule {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        ports = List.copyOf(requireNonNull(ports, "ports"));
        requireNonNull(verdict, "verdict");
        requireNonNull(source, "source");
        requireNonNull(clusters, "clusters");
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("rule at " + source + " has no ports");
        }
    }

    /** A rule for every cluster pair. */
    public Rule(String from, String to, List<PortSpec> ports, Verdict verdict, SourceRef source) {
        this(from, to, ports, verdict, source, ClusterScope.ANY);
    }
}
