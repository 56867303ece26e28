package io.reachproof.coordinator.registry;

import java.util.Locale;

/** Liveness of a registered agent, from its heartbeats. */
public enum AgentState {
    /** Heard from within the allowed number of missed heartbeats. */
    LIVE,
    /** Missed too many heartbeats: probes at it prove nothing ({@code TARGET_LOST}). */
    LOST,
    /** Silent for so long it is no longer planned at all. */
    GONE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
