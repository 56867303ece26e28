package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

/**
 * An agent saying it is alive, with the state of its result spool.
 *
 * @param spooledResults results waiting on the agent's disk for delivery
 * @param droppedResults results the agent dropped because its spool was full (since it started)
 */
public record Heartbeat(String agentId, long spooledResults, long droppedResults, long atEpochMillis) {

    public Heartbeat {
        requireNonNull(agentId, "agentId");
    }
}
