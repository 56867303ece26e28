package io.reachproof.policy;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.Protocol;
import java.util.List;

/**
 * A port a destination pod declares: number, protocol and the container port names it carries
 * there (usually one or none), which named ports in policies resolve against.
 */
public record PodPort(int port, Protocol protocol, List<String> names) implements Comparable<PodPort> {

    public PodPort {
        requireNonNull(protocol, "protocol");
        names = List.copyOf(requireNonNull(names, "names"));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535: " + port);
        }
        if (protocol == Protocol.HTTP) {
            throw new IllegalArgumentException("a pod port is TCP, UDP or SCTP, not HTTP");
        }
    }

    /** Sorted by number, then protocol (TCP, UDP, SCTP). */
    @Override
    public int compareTo(PodPort o) {
        int c = Integer.compare(port, o.port);
        return c != 0 ? c : protocol.compareTo(o.protocol);
    }

    /** {@code 80/TCP}. */
    public String label() {
        return port + "/" + protocol;
    }
}
