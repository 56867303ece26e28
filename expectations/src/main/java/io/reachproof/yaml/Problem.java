package io.reachproof.yaml;

import static java.util.Objects.requireNonNull;

/** One mistake in an input file, where it is and what is wrong: {@code FILE:LINE:COLUMN: message}. */
public record Problem(SourceRef where, String message) {

    public Problem {
        requireNonNull(where, "where");
        requireNonNull(message, "message");
    }

    /** {@code FILE:LINE:COLUMN: message}, or {@code FILE: message} when the mistake has no position. */
    @Override
    public String toString() {
        return (where.line() == 0 ? where.file() : where.toString()) + ": " + message;
    }
}
