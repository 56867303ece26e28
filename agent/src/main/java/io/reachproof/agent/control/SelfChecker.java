package io.reachproof.agent.control;

import io.reachproof.protocol.Responder;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Checks the agent's own responders through real sockets: the seam to the responder set. */
@FunctionalInterface
public interface SelfChecker {

    /** The responders that did not answer with this agent's identity; empty when all did. */
    CompletableFuture<List<Responder>> failedResponders();
}
