package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What one agent is asked to do now: its share of every open round. A new version replaces the old;
 * an agent executes each round once.
 *
 * @param version changes whenever the plan changes; an agent polls with the version it has
 * @param repeatEveryMillis while the coordinator is unreachable, the agent repeats its last plan at this
 *     cadence and spools the results
 */
public record Plan(String agentId, long version, List<PlanRound> rounds, long repeatEveryMillis) {

    public Plan {
        requireNonNull(agentId, "agentId");
        rounds = rounds == null ? List.of() : List.copyOf(rounds);
        if (repeatEveryMillis <= 0) {
            throw new IllegalArgumentException("repeatEveryMillis must be positive: " + repeatEveryMillis);
        }
    }
}
