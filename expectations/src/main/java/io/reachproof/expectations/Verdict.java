package io.reachproof.expectations;

import java.util.Locale;

/** A reachability verdict for one cell: the connection is allowed, or it is denied. */
public enum Verdict {
    ALLOW,
    DENY;

    /** The lower-case spelling used in YAML and JSON ({@code allow}, {@code deny}). */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
