package io.reachproof.agent.probe;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.reachproof.agent.Transport;
import io.reachproof.agent.netns.NetnsRef;
import io.reachproof.agent.netns.NetnsSockets;
import io.reachproof.agent.netns.NetnsUnavailable;
import io.reachproof.agent.netns.PodNetworkNamespaces;
import io.reachproof.protocol.ProbeTask;
import java.util.Optional;

/** Where a task's probe sockets are made: which network namespace the probe leaves from. */
@FunctionalInterface
public interface SocketPlacement {

    /** Every probe leaves from the agent's own network namespace. */
    SocketPlacement HOST = (task, transport) -> Sockets.HOST;

    /**
     * The channel factories for {@code task}'s probe; {@link Sockets#HOST} for the agent's own namespace, or
     * {@link Sockets#unavailable(String)} when the namespace the probe must leave from is not here (the probe
     * ends {@code ERROR}, inconclusive: it proves nothing about the network).
     */
    Sockets socketsFor(ProbeTask task, Transport transport);

    /**
     * Channel factories of one namespace; a null factory means the agent's own namespace.
     *
     * @param unavailable why the probe cannot leave from where it must, or null
     */
    record Sockets(ChannelFactory<Channel> stream, ChannelFactory<Channel> datagram, String unavailable) {

        public static final Sockets HOST = new Sockets(null, null, null);

        public static Sockets unavailable(String why) {
            return new Sockets(null, null, why);
        }
    }

    /** Every probe leaves from {@code namespace} ({@code probe --netns}). */
    static SocketPlacement in(NetnsRef namespace, NetnsSockets sockets) {
        return (task, transport) -> inside(namespace, sockets, transport);
    }

    /**
     * Workload mode: a task with a source pod leaves from that pod's network namespace on this node; a task
     * without one from the agent's own.
     */
    static SocketPlacement fromSourcePod(PodNetworkNamespaces pods, NetnsSockets sockets) {
        return (task, transport) -> {
            if (task.sourcePod() == null) {
                return Sockets.HOST;
            }
            Optional<NetnsRef> namespace = pods.find(task.sourcePod());
            if (namespace.isEmpty()) {
                return Sockets.unavailable("source pod " + task.sourcePod().displayName() + " ("
                        + task.sourcePod().uid() + ") has no network namespace on this node");
            }
            return inside(namespace.get(), sockets, transport);
        };
    }

    private static Sockets inside(NetnsRef namespace, NetnsSockets sockets, Transport transport) {
        try {
            return new Sockets(sockets.stream(namespace, transport), sockets.datagram(namespace, transport), null);
        } catch (NetnsUnavailable e) {
            return Sockets.unavailable(e.getMessage());
        }
    }
}
