package io.reachproof.expectations;

import static java.util.Objects.requireNonNull;

import io.reachproof.yaml.SourceRef;
import io.reachproof.protocol.Verdict;

/**
 * One cell of an expectation at group level, after {@code "*"} and {@code defaultVerdict} are
 * expanded: traffic from group {@code from} to group {@code to} on {@code port} has {@code verdict},
 * set by the rule at {@code rule}, between the cluster pairs of {@code clusters}. The planner samples agents
 * of the two groups to prove it.
 */
public record GroupCell(String from, String to, PortSpec port, Verdict verdict, SourceRef rule, ClusterScope clusters) {

    public GroupCell {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        requireNonNull(port, "port");
        requireNonNull(verdict, "verdict");
        requireNonNull(rule, "rule");
        requireNonNull(clusters, "clusters");
    }

    /** A cell of every cluster pair. */
    public GroupCell(String from, String to, PortSpec port, Verdict verdict, SourceRef rule) {
        this(from, to, port, verdict, rule, ClusterScope.ANY);
    }
}
