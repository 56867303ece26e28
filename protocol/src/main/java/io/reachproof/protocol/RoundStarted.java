package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

/** The answer of {@code POST /v1/rounds}: the round that runs now (a new one, or the open one joined). */
public record RoundStarted(String roundId, String expectation) {

    public RoundStarted {
        requireNonNull(roundId, "roundId");
        requireNonNull(expectation, "expectation");
    }
}
