package io.reachproof.coordinator.registry;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.AgentIdentity;
import java.time.Instant;

/**
 * A registered agent as the registry sees it at one instant.
 *
 * @param spooledResults what the agent's last heartbeat said was waiting in its spool
 * @param droppedResults what its last heartbeat said it dropped because the spool was full
 */
public record RegisteredAgent(
        AgentIdentity identity, AgentState state, Instant registeredAt, Instant lastSeen, long spooledResults,
        long droppedResults) {

    public RegisteredAgent {
        requireNonNull(identity, "identity");
        requireNonNull(state, "state");
        requireNonNull(registeredAt, "registeredAt");
        requireNonNull(lastSeen, "lastSeen");
    }

    public String agentId() {
        return identity.agentId();
    }
}
