package io.reachproof.coordinator.signal;

import java.util.Locale;

/** What happened to the confirmed mismatch set of one expectation. */
public enum SignalEvent {
    /** A confirmed mismatch set appeared where there was none. */
    OPENED,
    /** The confirmed mismatch set changed while it stayed non-empty. */
    CHANGED,
    /** The confirmed mismatch set became empty: every cell of it was proven as expected again. */
    RESOLVED;

    /** {@code firing} for OPENED and CHANGED, {@code resolved} for RESOLVED. */
    public String state() {
        return this == RESOLVED ? "resolved" : "firing";
    }

    /** The lower-case name used on the wire. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
