package io.reachproof.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** An expected reachability verdict for one cell: the connection is allowed, or it is denied. Spelled {@code allow}, {@code deny}. */
public enum Verdict {
    ALLOW,
    DENY;

    /** {@code allow} or {@code deny}: the spelling in YAML, JSON and text. */
    @JsonValue
    public String spelling() {
        return Spelling.lower(this);
    }

    /** The verdict spelled {@code text}, in any case. */
    @JsonCreator
    public static Verdict parse(String text) {
        return Spelling.parse("verdict", values(), Verdict::spelling, text);
    }
}
