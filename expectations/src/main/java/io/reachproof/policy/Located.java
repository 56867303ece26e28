package io.reachproof.policy;

import static java.util.Objects.requireNonNull;

/** A Kubernetes object together with where it was written. */
public record Located<T>(T object, Positions positions) {

    public Located {
        requireNonNull(object, "object");
        requireNonNull(positions, "positions");
    }

    /** An object built in code, located at {@code origin:0:0}. */
    public static <T> Located<T> inCode(T object, String origin) {
        return new Located<>(object, Positions.unknown(origin));
    }
}
