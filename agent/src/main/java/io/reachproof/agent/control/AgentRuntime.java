package io.reachproof.agent.control;

/** What an agent runs besides its control loop: responders that answer probes, and a prober that sends them. */
public interface AgentRuntime extends AutoCloseable {

    TaskRunner runner();

    SelfChecker selfChecker();

    @Override
    void close();
}
