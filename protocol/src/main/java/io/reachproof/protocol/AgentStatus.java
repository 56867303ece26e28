package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

/**
 * One registered agent as {@code GET /v1/agents} shows it.
 *
 * @param state {@code live}, {@code lost} or {@code gone}
 * @param delivered results this coordinator accepted from the agent, refused as duplicates, and accepted late
 */
public record AgentStatus(
        AgentIdentity identity, String state, long registeredAtEpochMillis, long lastSeenEpochMillis,
        long spooledResults, long droppedResults, BatchAck delivered) {

    public AgentStatus {
        requireNonNull(identity, "identity");
        requireNonNull(state, "state");
        requireNonNull(delivered, "delivered");
    }
}
