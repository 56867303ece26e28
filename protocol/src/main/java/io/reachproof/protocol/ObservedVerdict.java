package io.reachproof.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What the probes of a cell prove: never a guess. */
public enum ObservedVerdict {
    ALLOW,
    DENY,
    /** Nothing proven; {@link InconclusiveReason} says why. Counted as lost coverage, never as a mismatch. */
    INCONCLUSIVE;

    /** {@code allow}, {@code deny} or {@code inconclusive}: the spelling in JSON and text. */
    @JsonValue
    public String spelling() {
        return Spelling.lower(this);
    }

    /** The value spelled {@code text}, in any case. */
    @JsonCreator
    public static ObservedVerdict parse(String text) {
        return Spelling.parse("observed verdict", values(), ObservedVerdict::spelling, text);
    }
}
