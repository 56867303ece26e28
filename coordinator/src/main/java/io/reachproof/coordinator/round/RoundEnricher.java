package io.reachproof.coordinator.round;

import io.reachproof.protocol.RoundReport;

/**
 * Adds to a finished round's report what listeners and history should see with it, before they see it
 * (the trace id of the round's span). Called on the round thread; must not block for long.
 */
@FunctionalInterface
public interface RoundEnricher {

    /** Adds nothing. */
    RoundEnricher NONE = report -> report;

    /** {@code report} with what this step adds; {@code report} itself when there is nothing to add. */
    RoundReport enrich(RoundReport report);
}
