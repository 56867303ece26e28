package io.reachproof.policy;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.Verdict;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The expected verdict of a connection between pods of two clusters, each cluster compiled on its own
 * {@link TruthTable}. NetworkPolicies see a pod of another cluster as an address: the source cluster's egress
 * rules judge the destination pod's address, the destination cluster's ingress rules judge the address the
 * traffic arrives from (the source pod's IP, or the cluster's SNAT addresses: {@link EgressAddresses}); only
 * {@code ipBlock} peers (and rules without peers) can match either, never podSelector/namespaceSelector.
 * Allowed when both sides allow; a side whose pod no policy selects for that direction allows. When the
 * traffic may arrive from several addresses, the ingress side allows only if it allows every one of them
 * (a probe leaves from one of them and the CNI picks which, so anything less is not a guarantee).
 */
public final class CrossCluster {

    private CrossCluster() {
    }

    /**
     * Explains {@code from} (pod index in {@code source}, cluster {@code fromCluster}) to {@code to} (pod index in
     * {@code destination}) on {@code port}, a port of the destination pod ({@link TruthTable#ports}); its names
     * count for the destination's ingress rules only (the source cluster cannot resolve another cluster's port
     * names).
     */
    public static Explanation explain(String fromCluster, TruthTable source, int from, EgressAddresses egress,
            String toCluster, TruthTable destination, int to, PodPort port) {
        requireNonNull(egress, "egress");
        requireNonNull(port, "port");
        Optional<Cidr> toAddress = destination.address(to);
        List<Cidr> arriving = egress.arrivingFrom(source.address(from));
        Explanation.Side egressSide = source.sideTowards(Direction.EGRESS, from,
                new PodPort(port.port(), port.protocol(), List.of()), toAddress.map(List::of).orElse(List.of()));
        Explanation.Side ingressSide = destination.sideTowards(Direction.INGRESS, to, port, arriving);
        Verdict verdict = egressSide.allows() && ingressSide.allows() ? Verdict.ALLOW : Verdict.DENY;
        String arrivingText = arriving.isEmpty() ? "no address"
                : arriving.stream().map(CrossCluster::text).collect(Collectors.joining(", "))
                        + (egress.translated() ? " (SNAT of cluster " + fromCluster + ")" : "");
        return new Explanation(source.pods().get(from), destination.pods().get(to), port, verdict, egressSide, ingressSide,
                new Explanation.Crossing(requireNonNull(fromCluster, "fromCluster"), requireNonNull(toCluster, "toCluster"),
                        toAddress.map(CrossCluster::text).orElse("no address"), arrivingText));
    }

    /** The verdict of {@link #explain}, without the explanation (remembered per policy set: {@link TruthTable#allowsTowards}). */
    public static Verdict verdict(TruthTable source, int from, EgressAddresses egress, TruthTable destination, int to,
            PodPort port) {
        Optional<Cidr> toAddress = destination.address(to);
        boolean allowed = source.allowsTowards(Direction.EGRESS, from, new PodPort(port.port(), port.protocol(), List.of()),
                toAddress.map(List::of).orElse(List.of()))
                && destination.allowsTowards(Direction.INGRESS, to, port, egress.arrivingFrom(source.address(from)));
        return allowed ? Verdict.ALLOW : Verdict.DENY;
    }

    private static String text(Cidr c) {
        return c.isHost() ? c.address() : c.toString();
    }
}
