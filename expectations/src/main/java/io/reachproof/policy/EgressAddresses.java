package io.reachproof.policy;

import java.util.List;
import java.util.Optional;

/**
 * The address(es) a cluster's pod traffic to other clusters carries when it arrives there: the pod's own IP on
 * a flat network ({@link #POD_IP}, {@code snat} empty), or the networks a cluster's egress is translated to
 * (SNAT / masquerade on its nodes: {@code [203.0.113.7/32]}, or a pool such as {@code [198.51.100.0/30]}).
 */
public record EgressAddresses(List<Cidr> snat) {

    /** Traffic arrives from the source pod's IP (no translation). */
    public static final EgressAddresses POD_IP = new EgressAddresses(List.of());

    public EgressAddresses {
        snat = List.copyOf(snat);
    }

    /** Whether the cluster translates its egress. */
    public boolean translated() {
        return !snat.isEmpty();
    }

    /** The addresses traffic of a pod with address {@code podAddress} arrives from in another cluster. */
    public List<Cidr> arrivingFrom(Optional<Cidr> podAddress) {
        return translated() ? snat : podAddress.map(List::of).orElse(List.of());
    }

    /** {@code podIP} or {@code [CIDR, ...]}, as written in a coordinator configuration. */
    @Override
    public String toString() {
        return translated() ? snat.toString() : "podIP";
    }
}
