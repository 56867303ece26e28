package io.reachproof.coordinator.assembly;

import java.util.List;

/**
 * A part of the coordinator could not start; its message names the part and what went wrong (a command prints
 * it as it is). Every part started before it was stopped again, in reverse order: {@link #closed()}.
 */
public final class StartFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<String> closed;

    StartFailure(String message, Throwable cause) {
        this(message, cause, List.of());
    }

    private StartFailure(String message, Throwable cause, List<String> closed) {
        super(message, cause);
        this.closed = List.copyOf(closed);
    }

    /** This failure, saying which parts were stopped again (in the order they stopped). */
    StartFailure afterClosing(List<String> parts) {
        StartFailure f = new StartFailure(getMessage(), getCause(), parts);
        f.setStackTrace(getStackTrace());
        return f;
    }

    /** The parts that had started before the failure, in the order they were stopped again. */
    public List<String> closed() {
        return closed;
    }
}
