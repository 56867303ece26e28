package io.reachproof.agent.probe;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.Outcome;

/** What one attempt (or, for UDP, the whole exchange) saw: the outcome, who answered, and why. */
record AttemptResult(Outcome outcome, String peerId, String detail) {

    AttemptResult {
        requireNonNull(outcome, "outcome");
        detail = detail == null ? "" : detail;
    }

    static AttemptResult of(Outcome outcome, String detail) {
        return new AttemptResult(outcome, null, detail);
    }
}
