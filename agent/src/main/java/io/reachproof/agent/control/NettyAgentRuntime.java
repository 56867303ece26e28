package io.reachproof.agent.control;

import static java.util.Objects.requireNonNull;

import io.reachproof.agent.Transport;
import io.reachproof.agent.probe.Prober;
import io.reachproof.agent.responder.ResponderSet;
import io.reachproof.agent.responder.SelfCheck;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Responder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;

/** The Netty agent: its responders bound on one address, and one prober; the control loop's runner and self-checker. */
public final class NettyAgentRuntime implements AgentRuntime {

    private final ResponderSet responders;
    private final Prober prober;

    private NettyAgentRuntime(ResponderSet responders, Prober prober) {
        this.responders = responders;
        this.prober = prober;
    }

    /**
     * Binds the identity's responders on {@code bindAddress} and starts a prober with {@code threads} event
     * loops running at most {@code concurrency} probes at once; unless {@code bindAddress} is the wildcard, the
     * probes leave from it too (the agent is that address, as a pod is its pod IP).
     *
     * @throws IllegalStateException naming the responder that could not bind
     */
    public static NettyAgentRuntime start(AgentIdentity identity, String bindAddress, Transport transport, int threads,
            int concurrency) {
        requireNonNull(identity, "identity");
        ResponderSet responders = ResponderSet.start(identity, bindAddress, transport);
        try {
            Prober prober = new Prober(identity.agentId(), concurrency, threads, transport, Clock.systemUTC());
            InetAddress own = new InetSocketAddress(bindAddress, 0).getAddress();
            if (own != null && !own.isAnyLocalAddress()) {
                prober.leaveFrom(own);
            }
            return new NettyAgentRuntime(responders, prober);
        } catch (RuntimeException e) {
            responders.close();
            throw e;
        }
    }

    /** The runner and self-checker of responders and a prober someone else started (and closes). */
    public static AgentRuntime of(ResponderSet responders, Prober prober) {
        NettyAgentRuntime borrowed = new NettyAgentRuntime(requireNonNull(responders, "responders"),
                requireNonNull(prober, "prober"));
        return new AgentRuntime() {
            @Override
            public TaskRunner runner() {
                return borrowed.runner();
            }

            @Override
            public SelfChecker selfChecker() {
                return borrowed.selfChecker();
            }

            @Override
            public void close() {
                // not ours to close
            }
        };
    }

    @Override
    public TaskRunner runner() {
        return prober::probe;
    }

    @Override
    public SelfChecker selfChecker() {
        return () -> responders.selfCheck(prober).thenApply(NettyAgentRuntime::failed);
    }

    private static List<Responder> failed(SelfCheck check) {
        return check.results().keySet().stream().filter(r -> !check.answered(r)).toList();
    }

    @Override
    public void close() {
        prober.close();
        responders.close();
    }
}
