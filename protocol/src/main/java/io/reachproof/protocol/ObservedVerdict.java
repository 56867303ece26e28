package io.reachproof.protocol;

/** What the probes of a cell prove: never a guess. */
public enum ObservedVerdict {
    ALLOW,
    DENY,
    /** Nothing proven; {@link InconclusiveReason} says why. Counted as lost coverage, never as a mismatch. */
    INCONCLUSIVE
}
