package io.reachproof.agent.control;

import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.ProbeResult;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one probe of a plan: the seam between the control loop and the prober. Never completes
 * exceptionally: local faults are {@code ERROR} results.
 */
@FunctionalInterface
public interface TaskRunner {

    CompletableFuture<ProbeResult> run(ProbeTask task, String roundId);
}
