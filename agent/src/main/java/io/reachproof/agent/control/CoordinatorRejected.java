package io.reachproof.agent.control;

/** The coordinator answered, but refused the request (a non-2xx status with its error). */
public final class CoordinatorRejected extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    public CoordinatorRejected(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
