package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's HTTP/1.1 server: bootstrap and lifecycle. Requests are dispatched by exact method
 * and path to a list of {@link ApiRoute}s (see {@link ApiRouter}); route handlers run on a worker pool,
 * never on the event loop. All connections share one {@link BodyBudget} for the request bodies they hold.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final ApiServerSettings settings;
    private final ApiRouter router;
    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup workers = new NioEventLoopGroup(2);
    private final ExecutorService handlers;
    private final BodyBudget budget;
    private Channel channel;

    public ApiServer(ApiServerSettings settings, List<ApiRoute> routes) {
        this.settings = requireNonNull(settings, "settings");
        this.router = new ApiRouter(routes);
        this.budget = new BodyBudget(settings.maxInFlightBodyBytes());
        this.handlers = Executors.newFixedThreadPool(4, new DefaultThreadFactory("reachproof-api-handler", true));
    }

    /** Binds and returns the address actually bound (port 0 picks a free port). */
    public synchronized InetSocketAddress start() throws InterruptedException {
        if (channel != null) {
            throw new IllegalStateException("server already started");
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ApiServerInitializer(settings, router, handlers, budget,
                        settings.tls().map(ServerTls::context).orElse(null)));
        channel = bootstrap.bind(settings.bindAddress(), settings.port()).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
        LOG.info("coordinator API listening on {}://{}:{}{}", scheme(), bound.getHostString(), bound.getPort(),
                settings.tls().flatMap(ServerTls::clientCaFile).isPresent() ? " (mutual TLS: client certificates required)" : "");
        return bound;
    }

    /** {@code https} with TLS, else {@code http}. */
    public String scheme() {
        return settings.tls().isPresent() ? "https" : "http";
    }

    public synchronized InetSocketAddress address() {
        if (channel == null) {
            throw new IllegalStateException("server not started");
        }
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        handlers.shutdownNow();
    }
}
