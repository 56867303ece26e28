package io.reachproof.expectations;

import static java.util.Objects.requireNonNull;

import io.reachproof.yaml.SourceRef;

/**
 * One cell at endpoint level: traffic from endpoint {@code from} (a member of group
 * {@code fromGroup}) to endpoint {@code to} (of {@code toGroup}) on {@code port} is expected to have
 * {@code verdict}, as the rule at {@code rule} says.
 */
public record ExpectedCell(
        String fromGroup, Endpoint from, String toGroup, Endpoint to, PortSpec port, Verdict verdict, SourceRef rule) {

    public ExpectedCell {
        requireNonNull(fromGroup, "fromGroup");
        requireNonNull(from, "from");
        requireNonNull(toGroup, "toGroup");
        requireNonNull(to, "to");
        requireNonNull(port, "port");
        requireNonNull(verdict, "verdict");
        requireNonNull(rule, "rule");
    }
}
