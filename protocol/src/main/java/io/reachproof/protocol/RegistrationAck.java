package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

/**
 * The coordinator's answer to a registration: how often to heartbeat and how long a plan poll may wait.
 */
public record RegistrationAck(String agentId, long heartbeatIntervalMillis, long pollTimeoutMillis, int maxBatchResults) {

    public RegistrationAck {
        requireNonNull(agentId, "agentId");
        if (heartbeatIntervalMillis <= 0) {
            throw new IllegalArgumentException("heartbeatIntervalMillis must be positive: " + heartbeatIntervalMillis);
        }
        if (pollTimeoutMillis <= 0) {
            throw new IllegalArgumentException("pollTimeoutMillis must be positive: " + pollTimeoutMillis);
        }
        if (maxBatchResults <= 0) {
            throw new IllegalArgumentException("maxBatchResults must be positive: " + maxBatchResults);
        }
    }
}
