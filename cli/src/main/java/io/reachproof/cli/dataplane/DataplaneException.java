package io.reachproof.cli.dataplane;

/** A dataplane command failed: the message names the command and what it said. */
public final class DataplaneException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DataplaneException(String message) {
        super(message);
    }
}
