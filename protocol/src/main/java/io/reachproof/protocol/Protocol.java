package io.reachproof.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a probe speaks. HTTP is a TCP connection plus a request. Spelled as its name: {@code TCP}. */
public enum Protocol {
    TCP,
    UDP,
    SCTP,
    HTTP;

    /** The transport-layer protocol (HTTP runs over TCP). */
    public Protocol transport() {
        return this == HTTP ? TCP : this;
    }

    /** {@code TCP}, {@code UDP}, {@code SCTP} or {@code HTTP}. */
    @JsonValue
    public String spelling() {
        return name();
    }

    /** The protocol spelled {@code text}, in any case. */
    @JsonCreator
    public static Protocol parse(String text) {
        return Spelling.parse("protocol", values(), Protocol::spelling, text);
    }
}
