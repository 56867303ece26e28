package io.reachproof.coordinator.api;

/**
 * A request the coordinator refuses: the server answers {@link #status()} with the message as a JSON
 * {@code {"status":..., "error":...}} body. Thrown by routes (or completing their stage exceptionally);
 * carries no stack trace because it is the caller's mistake, not ours.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public ApiException(int status, String message) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be in 400..599: " + status);
        }
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }
}
