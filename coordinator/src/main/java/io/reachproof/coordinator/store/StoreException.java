package io.reachproof.coordinator.store;

/** A write or read the database refused or could not take (lost connection, full disk, ...). */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
