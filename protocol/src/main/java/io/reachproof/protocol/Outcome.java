package io.reachproof.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

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
    ERROR;

    /** Its name, e.g. {@code CONNECTED}: the spelling in JSON and text. */
    @JsonValue
    public String spelling() {
        return name();
    }

    /** The value spelled {@code text}, in any case. */
    @JsonCreator
    public static Outcome parse(String text) {
        return Spelling.parse("outcome", values(), Outcome::spelling, text);
    }
}
