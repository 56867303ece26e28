package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

/** The body of every non-2xx answer of the coordinator: what was wrong with the request. */
public record ApiError(int status, String error) {

    public ApiError {
        requireNonNull(error, "error");
    }
}
