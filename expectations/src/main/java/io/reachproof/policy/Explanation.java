package io.reachproof.policy;

import static java.util.Objects.requireNonNull;

import io.reachproof.yaml.SourceRef;
import io.reachproof.protocol.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Why one cell has its verdict: the egress side (policies isolating the source) and the ingress side
 * (policies isolating the destination). A connection is allowed when both sides allow it. {@code crossing}
 * is null for two pods of one cluster; for pods of two clusters it names the clusters and the addresses each
 * side judged (the egress side sees only the destination's address, the ingress side only the address the
 * traffic arrives from).
 */
public record Explanation(PodRef from, PodRef to, PodPort port, Verdict verdict, Side egress, Side ingress,
        Crossing crossing) {

    /** A connection between clusters: the clusters, the destination address and the source address(es) as judged. */
    public record Crossing(String fromCluster, String toCluster, String toAddress, String arrivingFrom) {

        public Crossing {
            requireNonNull(fromCluster, "fromCluster");
            requireNonNull(toCluster, "toCluster");
            requireNonNull(toAddress, "toAddress");
            requireNonNull(arrivingFrom, "arrivingFrom");
        }
    }

    /** Two pods of one cluster. */
    public Explanation(PodRef from, PodRef to, PodPort port, Verdict verdict, Side egress, Side ingress) {
        this(from, to, port, verdict, egress, ingress, null);
    }

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
        lines.add(source() + " -> " + destination() + " " + port.label() + ": " + verdict.spelling());
        lines.add(describe(egress, "egress from " + source(), egressPeer()));
        lines.add(describe(ingress, "ingress to " + destination(), ingressPeer()));
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
            parts.add(describe(egress, "egress from " + source(), egressPeer()).strip());
        }
        if (verdict == Verdict.ALLOW ? ingress.isolated() || !anyIsolated : !ingress.allows()) {
            parts.add(describe(ingress, "ingress to " + destination(), ingressPeer()).strip());
        }
        return String.join("; ", parts);
    }

    private String source() {
        return crossing == null ? from.toString() : crossing.fromCluster() + "/" + from;
    }

    private String destination() {
        return crossing == null ? to.toString() : crossing.toCluster() + "/" + to;
    }

    /** What the egress side judged: the destination pod, or its address when it is in another cluster. */
    private String egressPeer() {
        return crossing == null ? to.toString() : destination() + " at " + crossing.toAddress()
                + " (a pod of another cluster: only ipBlock peers match it)";
    }

    /** What the ingress side judged: the source pod, or the address(es) its traffic arrives from. */
    private String ingressPeer() {
        return crossing == null ? from.toString() : source() + " arriving from " + crossing.arrivingFrom()
                + " (a pod of another cluster: only ipBlock peers match it)";
    }

    private String describe(Side side, String title, String peer) {
        if (!side.isolated()) {
            return "  " + title + ": allowed: not isolated (no NetworkPolicy selects " + side.pod()
                    + " for " + side.direction().field() + ")";
        }
        String isolatedBy = "isolated for " + side.direction().field() + " by " + String.join(", ", side.isolatingPolicies());
        if (side.allowingRules().isEmpty()) {
            return "  " + title + ": denied: " + isolatedBy + " and no rule allows " + peer + " on " + port.label();
        }
        List<String> rules = side.allowingRules().stream().map(RuleRef::toString).toList();
        return "  " + title + ": allowed by " + String.join("; ", rules) + " (" + isolatedBy + ")"
                + (crossing == null ? "" : " for " + peer);
    }
}
