package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

/** A port an agent answers probes on, with the protocol it speaks there ({@code TCP}, {@code UDP}, {@code HTTP}, {@code SCTP}). */
public record Responder(int port, String protocol) {

    /** The path an agent's HTTP responder answers with its identity ({@code GET}, 200). */
    public static final String HTTP_IDENTITY_PATH = "/reachproof/identity";

    public Responder {
        requireNonNull(protocol, "protocol");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535: " + port);
        }
    }

    @Override
    public String toString() {
        return port + "/" + protocol;
    }
}
