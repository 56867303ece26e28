package io.reachproof.agent.responder;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.reachproof.agent.Transport;
import io.reachproof.agent.netns.NetnsRef;
import io.reachproof.agent.netns.NetnsSockets;
import io.reachproof.agent.netns.NetnsUnavailable;
import io.reachproof.agent.wire.IdentityWire;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.PodRef;
import io.reachproof.protocol.Responder;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

/**
 * A listener the node agent borrows inside a destination pod's network namespace, on a port no app of the pod
 * serves, for one round: it answers as the agent's responders do (TCP banner, UDP echo, HTTP identity) but with
 * the pod's identity ({@link PodRef#peerId()}), so a probe that reaches it proves it reached that pod. When the
 * port is already taken inside the pod, the pod's app serves it and nothing is borrowed.
 */
public final class BorrowedListener implements AutoCloseable {

    private final PodRef pod;
    private final Responder port;
    private final Channel channel;

    private BorrowedListener(PodRef pod, Responder port, Channel channel) {
        this.pod = pod;
        this.port = port;
        this.channel = channel;
    }

    /** What {@link #borrow} found: a listener it opened, or the app serving the port, or why neither. */
    public record Outcome(Optional<BorrowedListener> listener, boolean appServes, String problem) {
    }

    /**
     * Binds {@code port} on all addresses inside the pod's namespace {@code namespace}, served by {@code group}; an
     * HTTP port answers its identity at {@code httpPath} (the path probes of it request; null: the agents' identity
     * path).
     */
    public static Outcome borrow(PodRef pod, Responder port, String httpPath, NetnsRef namespace, NetnsSockets sockets,
            EventLoopGroup group, Transport transport) {
        requireNonNull(pod, "pod");
        requireNonNull(port, "port");
        String id = pod.peerId();
        InetSocketAddress any = new InetSocketAddress(port.port());
        ChannelFuture bound;
        try {
            if ("UDP".equals(port.protocol())) {
                bound = new Bootstrap().group(group).channelFactory(sockets.datagram(namespace, transport))
                        .handler(new UdpEchoHandler(id)).bind(any);
            } else if ("TCP".equals(port.protocol()) || "HTTP".equals(port.protocol())) {
                bound = new ServerBootstrap().group(group).channelFactory(sockets.server(namespace, transport))
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .childHandler("TCP".equals(port.protocol()) ? new TcpBannerHandler(id)
                                : new HttpResponderInitializer(new HttpIdentityHandler(id, identityJson(pod),
                                        httpPath == null ? IdentityWire.HTTP_IDENTITY_PATH : pathOnly(httpPath))))
                        .bind(any);
            } else {
                return new Outcome(Optional.empty(), false, "cannot borrow a " + port.protocol() + " port");
            }
        } catch (NetnsUnavailable e) {
            return new Outcome(Optional.empty(), false, e.getMessage());
        }
        if (bound.awaitUninterruptibly().isSuccess()) {
            return new Outcome(Optional.of(new BorrowedListener(pod, port, bound.channel())), false, "");
        }
        Throwable cause = bound.cause();
        // EADDRINUSE only: a BindException also says EACCES or EADDRNOTAVAIL, which are no app serving the port
        boolean inUse = String.valueOf(cause.getMessage()).contains("Address already in use");
        return inUse ? new Outcome(Optional.empty(), true, "")
                : new Outcome(Optional.empty(), false, "cannot bind " + port + " in pod " + pod.displayName() + ": " + cause);
    }

    /** A request path without its query: what the identity handler compares. */
    private static String pathOnly(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static byte[] identityJson(PodRef pod) {
        try {
            return Json.mapper().writeValueAsBytes(Map.of("agentId", pod.peerId(), "namespace", pod.namespace(), "pod",
                    pod.name()));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public PodRef pod() {
        return pod;
    }

    public Responder port() {
        return port;
    }

    /** Closes the listener and waits until its port is free; not from an event loop (see {@link #closeLater()}). */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
    }

    /** Closes the listener without waiting: from an event loop, which must not block. */
    public void closeLater() {
        channel.close();
    }
}
