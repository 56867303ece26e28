package io.reachproof.protocol;

/** A difference between expected and observed reachability. */
public enum MismatchKind {
    /** Expected deny, observed allow: a security hole. */
    HOLE,
    /** Expected allow, observed deny: an availability problem. */
    BLOCKED
}
