package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

/**
 * One proven (or not) cell of a round: expected and observed verdict between two endpoints on one port.
 *
 * @param protocol what the probe spoke
 * @param expected what the expectation (or the NetworkPolicies) say
 * @param observed what the probes proved
 * @param reason set when {@code observed} is INCONCLUSIVE, null otherwise
 * @param outcome the deciding probe outcome (null when no result arrived)
 * @param rule the expectation rule that set {@code expected}, as {@code file:line}
 * @param decidedBy for a cell whose expected verdict the NetworkPolicies imply ({@code spec.fromPolicies}):
 *     the policy that decided it, {@code NetworkPolicy ns/name (file:line)}, or {@code (cluster NAME)} for a policy
 *     watched live in that cluster; null otherwise
 * @param explain for such a cell: the policy engine's reason in one line (each side's allowing rules, or the
 *     policies isolating it and that no rule allows the peer); null otherwise
 */
public record CellResult(
        String fromGroup,
        EndpointRef from,
        String toGroup,
        EndpointRef to,
        int port,
        Protocol protocol,
        Verdict expected,
        ObservedVerdict observed,
        InconclusiveReason reason,
        Outcome outcome,
        int attempts,
        long latencyMicros,
        String rule,
        String decidedBy,
        String explain) {

    public CellResult {
        requireNonNull(fromGroup, "fromGroup");
        requireNonNull(from, "from");
        requireNonNull(toGroup, "toGroup");
        requireNonNull(to, "to");
        requireNonNull(protocol, "protocol");
        requireNonNull(expected, "expected");
        requireNonNull(observed, "observed");
        if ((observed == ObservedVerdict.INCONCLUSIVE) != (reason != null)) {
            throw new IllegalArgumentException("reason must be set exactly when observed is INCONCLUSIVE: "
                    + observed + "/" + reason);
        }
    }

    /** A cell whose expected verdict no policy derivation set (no {@code explain}). */
    public CellResult(String fromGroup, EndpointRef from, String toGroup, EndpointRef to, int port, Protocol protocol,
            Verdict expected, ObservedVerdict observed, InconclusiveReason reason, Outcome outcome, int attempts,
            long latencyMicros, String rule, String decidedBy) {
        this(fromGroup, from, toGroup, to, port, protocol, expected, observed, reason, outcome, attempts, latencyMicros,
                rule, decidedBy, null);
    }
}
