package io.reachproof.coordinator.store;

/**
 * The store cannot be used: the database is unreachable, or its schema is newer than this coordinator knows. The
 * message names the URL (never the password) or both schema versions; a command prints it as it is.
 */
public final class StoreUnavailable extends Exception {

    private static final long serialVersionUID = 1L;

    public StoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
