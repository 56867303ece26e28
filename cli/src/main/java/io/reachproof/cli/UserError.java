package io.reachproof.cli;

import java.util.List;

/**
 * A mistake of the user's (bad input file, bad flag value) or a failed check: reported as its lines on
 * stderr and exit code {@link #exitCode()}, never as a stack trace.
 */
public final class UserError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> lines;
    private final int exitCode;

    public UserError(String message) {
        this(List.of(message), Main.EXIT_FAILED);
    }

    public UserError(List<String> lines, int exitCode) {
        super(String.join("\n", lines), null, false, false);
        this.lines = List.copyOf(lines);
        this.exitCode = exitCode;
    }

    public List<String> lines() {
        return lines;
    }

    public int exitCode() {
        return exitCode;
    }
}
