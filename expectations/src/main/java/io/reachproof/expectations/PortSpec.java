package io.reachproof.expectations;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.Protocol;

/** One port of a rule: number, protocol and, for HTTP only, the request and accepted status. */
public record PortSpec(int port, Protocol protocol, HttpCheck http) {

    public PortSpec {
        requireNonNull(protocol, "protocol");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535: " + port);
        }
        if (protocol == Protocol.HTTP) {
            http = http == null ? HttpCheck.DEFAULT : http;
        } else if (http != null) {
            throw new IllegalArgumentException("only HTTP ports take an HTTP check, not " + protocol);
        }
    }

    public static PortSpec of(int port, Protocol protocol) {
        return new PortSpec(port, protocol, null);
    }

    /** The short form {@code PORT/PROTOCOL}, e.g. {@code 8443/TCP}. */
    @Override
    public String toString() {
        return port + "/" + protocol;
    }
}
