package io.reachproof.agent.control;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoopGroup;
import io.reachproof.agent.netns.NamedNetns;
import io.reachproof.agent.netns.NetnsSockets;
import io.reachproof.agent.netns.NetnsThread;
import io.reachproof.agent.netns.NetnsUnavailable;
import io.reachproof.agent.netns.PodNetworkNamespaces;
import io.reachproof.agent.probe.Prober;
import io.reachproof.agent.probe.SocketPlacement;
import io.reachproof.protocol.AgentIdentity;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An agent in workload mode: its prober sends a task from a pod from inside that pod's network namespace, and its
 * {@link TargetPreparer} makes the destination pods of its node answer for a round. {@link #start} checks first
 * that this process may enter network namespaces (it enters its own). {@link #close()} gives back what it borrowed
 * and leaves every namespace it entered.
 */
public final class WorkloadMode implements AutoCloseable {

    private final NetnsSockets sockets;
    private final EventLoopGroup borrowedLoops;
    private final TargetPreparer targets;
    private final AgentIdentity identity;

    private WorkloadMode(NetnsSockets sockets, EventLoopGroup borrowedLoops, TargetPreparer targets,
            AgentIdentity identity) {
        this.sockets = sockets;
        this.borrowedLoops = borrowedLoops;
        this.targets = targets;
        this.identity = identity;
    }

    /**
     * Puts {@code prober} (of the agent {@code identity}) in workload mode, finding pods' namespaces with {@code pods}.
     *
     * @throws NetnsUnavailable when this process cannot enter a network namespace (not root, no CAP_SYS_ADMIN)
     */
    public static WorkloadMode start(AgentIdentity identity, Prober prober, PodNetworkNamespaces pods)
            throws NetnsUnavailable {
        requireNonNull(identity, "identity");
        requireNonNull(prober, "prober");
        requireNonNull(pods, "pods");
        NetnsSockets sockets = new NetnsSockets(Clock.systemUTC(), Duration.ofMinutes(10));
        try (NetnsThread own = NetnsThread.enter(NamedNetns.of(Path.of("/proc/self/ns/net")))) {
            own.namespace();
        } catch (NetnsUnavailable e) {
            sockets.close();
            throw e;
        }
        prober.placeSocketsWith(SocketPlacement.fromSourcePod(pods, sockets));
        EventLoopGroup borrowedLoops = prober.transport().newEventLoopGroup(1, "reachproof-borrowed");
        TargetPreparer targets = new TargetPreparer(identity.agentId(), pods, sockets, prober, borrowedLoops,
                prober.transport(), Clock.systemUTC());
        Set<String> capabilities = new HashSet<>(identity.capabilities());
        capabilities.add(AgentIdentity.CAPABILITY_WORKLOAD);
        AgentIdentity withCapability = new AgentIdentity(identity.agentId(), identity.cluster(), identity.cloud(),
                identity.region(), identity.node(), identity.namespace(), identity.pod(), identity.addresses(),
                identity.podLabels(), identity.namespaceLabels(), identity.responders(), capabilities);
        return new WorkloadMode(sockets, borrowedLoops, targets, withCapability);
    }

    /** The agent's identity, advertising the workload capability. */
    public AgentIdentity identity() {
        return identity;
    }

    /** What the control loop prepares destination pods with ({@link ControlLoop#prepareTargetsWith}). */
    public TargetPreparer targets() {
        return targets;
    }

    @Override
    public void close() {
        targets.close();
        borrowedLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        sockets.close();
    }
}
