package io.reachproof.expectations;

/** What a probe speaks. HTTP is a TCP connection plus a request. */
public enum Protocol {
    TCP,
    UDP,
    SCTP,
    HTTP;

    /** The transport-layer protocol (HTTP runs over TCP). */
    public Protocol transport() {
        return this == HTTP ? TCP : this;
    }
}
