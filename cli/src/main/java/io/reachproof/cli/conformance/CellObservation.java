package io.reachproof.cli.conformance;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.Outcome;

/** What the probe of a {@link CellCheck} saw: its outcome, and the probe's detail when it has one. */
public record CellObservation(CellCheck check, Outcome outcome, String detail) {

    public CellObservation {
        requireNonNull(check, "check");
        requireNonNull(outcome, "outcome");
        detail = detail == null ? "" : detail;
    }

    /** Whether the packets got through. */
    public boolean connected() {
        return outcome == Outcome.CONNECTED;
    }

    /** Whether the network said no: silence, a reset or an ICMP error. */
    public boolean denied() {
        return outcome == Outcome.TIMEOUT || outcome == Outcome.REFUSED || outcome == Outcome.UNREACHABLE;
    }

    /** Whether the outcome is what the feature's policies imply. */
    public boolean asExpected() {
        return check.allowed() ? connected() : denied();
    }

    /** {@code x/a -> x/b 81/TCP: expected deny, TIMEOUT}. */
    public String describe() {
        return check.describe() + ": expected " + (check.allowed() ? "allow" : "deny") + ", " + outcome;
    }
}
