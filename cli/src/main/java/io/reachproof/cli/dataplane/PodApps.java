package io.reachproof.cli.dataplane;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.reachproof.agent.Transport;
import io.reachproof.agent.netns.NamedNetns;
import io.reachproof.agent.netns.NetnsRef;
import io.reachproof.agent.netns.NetnsSockets;
import io.reachproof.agent.netns.NetnsUnavailable;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The apps of the dataplane's pods: each declared port answers inside its pod's namespace, as a real server would.
 * A TCP port accepts connections and answers an HTTP request with {@code 200} and {@code app NAMESPACE/NAME}
 * (a plain TCP client just connects); a UDP port answers each datagram with the same bytes (an echo service: an
 * app's UDP port is proven only by a reply). No identity banner: the agents probe these as the app.
 */
public final class PodApps implements AutoCloseable {

    private final Transport transport = Transport.detect();
    private final EventLoopGroup group = transport.newEventLoopGroup(1, "reachproof-pod-apps");
    private final NetnsSockets sockets = new NetnsSockets(Clock.systemUTC(), Duration.ofDays(365));
    private final List<Channel> open = new ArrayList<>();

    /** Opens {@code port} ({@code TCP} or {@code UDP}) in {@code pod}; fails naming the pod and the port. */
    public void serve(Dataplane.Pod pod, int port, String protocol) {
        requireNonNull(pod, "pod");
        NetnsRef namespace;
        try {
            namespace = NamedNetns.resolve(pod.netns());
        } catch (NetnsUnavailable e) {
            throw new DataplaneException("cannot serve " + port + "/" + protocol + " in pod " + pod.namespace() + "/"
                    + pod.name() + ": " + e.getMessage());
        }
        serve(namespace, pod.namespace() + "/" + pod.name(), port, protocol);
    }

    /**
     * Opens {@code port} ({@code TCP} or {@code UDP}) in the network namespace {@code namespace} of pod {@code pod}
     * ({@code NAMESPACE/NAME}, what it answers with); fails naming the pod and the port.
     */
    public synchronized void serve(NetnsRef namespace, String pod, int port, String protocol) {
        requireNonNull(namespace, "namespace");
        String body = "app " + pod + "\n";
        try {
            var bound = "UDP".equals(protocol)
                    ? new Bootstrap().group(group).channelFactory(sockets.datagram(namespace, transport))
                            .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
                                    ctx.writeAndFlush(new DatagramPacket(msg.content().retain(), msg.sender()));
                                }
                            }).bind(new InetSocketAddress(port))
                    : new ServerBootstrap().group(group).channelFactory(sockets.server(namespace, transport))
                            .option(ChannelOption.SO_BACKLOG, 1024)
                            .childHandler(new ChannelInitializer<Channel>() {
                                @Override
                                protected void initChannel(Channel ch) {
                                    ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                            new Answer(body));
                                }
                            }).bind(new InetSocketAddress(port));
            if (!bound.awaitUninterruptibly(10, TimeUnit.SECONDS) || !bound.isSuccess()) {
                throw new DataplaneException("cannot serve " + port + "/" + protocol + " in pod " + pod + ": "
                        + bound.cause());
            }
            open.add(bound.channel());
        } catch (NetnsUnavailable e) {
            throw new DataplaneException("cannot serve " + port + "/" + protocol + " in pod " + pod + ": " + e.getMessage());
        }
    }

    /** Listeners open now. */
    public synchronized int serving() {
        return (int) open.stream().filter(Channel::isOpen).count();
    }

    private static final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final String body;

        Answer(String body) {
            this.body = body;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                    .set(HttpHeaderNames.CONNECTION, "close");
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public synchronized void close() {
        open.forEach(c -> c.close().awaitUninterruptibly(5, TimeUnit.SECONDS));
        open.clear();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        sockets.close();
    }
}
