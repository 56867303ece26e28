package io.reachproof.agent.control;

import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.BatchAck;
import io.reachproof.protocol.Heartbeat;
import io.reachproof.protocol.Plan;
import io.reachproof.protocol.RegistrationAck;
import io.reachproof.protocol.ResultBatch;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The agent's calls to its coordinator (protocol v1). Every call blocks; it throws {@link IOException} when
 * the coordinator cannot be reached and {@link CoordinatorRejected} when it answers with an error.
 */
public interface ControlChannel {

    RegistrationAck register(AgentIdentity identity) throws IOException, InterruptedException, CoordinatorRejected;

    void heartbeat(Heartbeat heartbeat) throws IOException, InterruptedException, CoordinatorRejected;

    BatchAck deliver(ResultBatch batch) throws IOException, InterruptedException, CoordinatorRejected;

    /** Waits up to {@code wait} (the coordinator's poll timeout) for a plan other than {@code version}. */
    Optional<Plan> poll(String agentId, long version, Duration wait)
            throws IOException, InterruptedException, CoordinatorRejected;
}
