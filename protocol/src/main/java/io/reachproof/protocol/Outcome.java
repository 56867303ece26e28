package io.reachproof.protocol;

/** What one probe attempt saw. See DESIGN.md, "Probes and what they prove". */
public enum Outcome {
    /** TCP handshake completed, UDP echo came back, or an HTTP response arrived (from the expected peer). */
    CONNECTED,
    /** TCP RST, or ICMP port-unreachable for UDP. */
    REFUSED,
    /** Silence until the deadline. */
    TIMEOUT,
    /** ICMP host/net unreachable, or no route. */
    UNREACHABLE,
    /** Something answered, but not the agent we meant. */
    WRONG_PEER,
    /** A local fault: DNS, file descriptors, bad target. */
    ERROR
}
