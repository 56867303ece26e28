package io.reachproof.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A difference between expected and observed reachability. */
public enum MismatchKind {
    /** Expected deny, observed allow: a security hole. */
    HOLE,
    /** Expected allow, observed deny: an availability problem. */
    BLOCKED;

    /** The kind of mismatch between {@code expected} and {@code observed}, or null when they agree or nothing is proven. */
    public static MismatchKind of(Verdict expected, ObservedVerdict observed) {
        if (expected == Verdict.DENY && observed == ObservedVerdict.ALLOW) {
            return HOLE;
        }
        if (expected == Verdict.ALLOW && observed == ObservedVerdict.DENY) {
            return BLOCKED;
        }
        return null;
    }

    /** {@code HOLE} or {@code BLOCKED}: the spelling in JSON and text. */
    @JsonValue
    public String spelling() {
        return name();
    }

    /** The value spelled {@code text}, in any case. */
    @JsonCreator
    public static MismatchKind parse(String text) {
        return Spelling.parse("mismatch kind", values(), MismatchKind::spelling, text);
    }
}
