package io.reachproof.policy;

import static java.util.Objects.requireNonNull;

import io.reachproof.yaml.SourceRef;
import io.reachproof.protocol.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Why one cell has its verdict: the egress side (policies isolating the source) and the ingress side
 * (policies isolating the destination). A connection is allowed when both sides allow it.
 */
public record Explanation(PodRef from, PodRef to, PodPort port, Verdict verdict, Side egress, Side ingress) {

    public Explanation {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        requireNonNull(port, "port");
        requireNonNull(verdict, "verdict");
        requireNonNull(egress, "egress");
        requireNonNull(ingress, "ingress");
    }

    /**
     * One direction: the pod whose policies decide it, the policies selecting that pod for this direction
     * (none: not isolated, everything allowed) and the rules that allow the connection.
     */
    public record Side(Direction direction, PodRef pod, List<String> isolatingPolicies, List<RuleRef> allowingRules) {

        public Side {
            requireNonNull(direction, "direction");
            requireNonNull(pod, "pod");
            isolatingPolicies = List.copyOf(isolatingPolicies);
            allowingRules = List.copyOf(allowingRules);
        }

        public boolean isolated() {
            return !isolatingPolicies.isEmpty();
        }

        public boolean allows() {
            return !isolated() || !allowingRules.isEmpty();
        }
    }

    /**
     * A rule that allowed the connection: {@code spec.ingress[1]} of policy {@code ns/name}, written at {@code at}
     * ({@link Positions#place}).
     */
    public record RuleRef(String policy, Direction direction, int index, SourceRef at) {

        public RuleRef {
            requireNonNull(policy, "policy");
            requireNonNull(direction, "direction");
            requireNonNull(at, "at");
        }

        @Override
        public String toString() {
            return "spec." + direction.field() + "[" + index + "] of NetworkPolicy " + policy + " (" + Positions.place(at) + ")";
        }
    }

    /** The explanation for people, one line per fact. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(from + " -> " + to + " " + port.label() + ": " + verdict.spelling());
        lines.add(describe(egress, "egress from " + from, to));
        lines.add(describe(ingress, "ingress to " + to, from));
        return lines;
    }

    /**
     * The reason in one line: for a denied cell the side(s) that deny it; for an allowed one the rules that allow
     * it on each isolated side, or, when neither pod is isolated, that both sides are open.
     */
    public String reason() {
        List<String> parts = new ArrayList<>();
        boolean anyIsolated = egress.isolated() || ingress.isolated();
        if (verdict == Verdict.ALLOW ? egress.isolated() || !anyIsolated : !egress.allows()) {
            parts.add(describe(egress, "egress from " + from, to).strip());
        }
        if (verdict == Verdict.ALLOW ? ingress.isolated() || !anyIsolated : !ingress.allows()) {
            parts.add(describe(ingress, "ingress to " + to, from).strip());
        }
        return String.join("; ", parts);
    }

    private String describe(Side side, String title, PodRef peer) {
        if (!side.isolated()) {
            return "  " + title + ": allowed: not isolated (no NetworkPolicy selects " + side.pod()
                    + " for " + side.direction().field() + ")";
        }
        String isolatedBy = "isolated for " + side.direction().field() + " by " + String.join(", ", side.isolatingPolicies());
        if (side.allowingRules().isEmpty()) {
            return "  " + title + ": denied: " + isolatedBy + " and no rule allows " + peer + " on " + port.label();
        }
        List<String> rules = side.allowingRules().stream().map(RuleRef::toString).toList();
        return "  " + title + ": allowed by " + String.join("; ", rules) + " (" + isolatedBy + ")";
    }
}
