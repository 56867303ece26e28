package io.reachproof.cli.conformance;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.Protocol;

/**
 * One probe a feature is proved by: from a pod (or a host outside the cluster) to a pod's port, and whether the
 * feature's policies must let it through. Pods are named {@code NAMESPACE/NAME} in the suite's cluster.
 */
public record CellCheck(String from, String to, int port, Protocol protocol, boolean allowed) {

    public CellCheck {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        requireNonNull(protocol, "protocol");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535: " + port);
        }
    }

    /** {@code egress/client -> egress/server 81/TCP}. */
    public String describe() {
        return from + " -> " + to + " " + port + "/" + protocol;
    }
}
