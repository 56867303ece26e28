package io.reachproof.coordinator.api;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** The pipeline of one coordinator API connection. */
final class ApiServerInitializer extends ChannelInitializer<Channel> {

    static final int MAX_INITIAL_LINE = 8192;
    static final int MAX_HEADER_SIZE = 16 * 1024;
    static final int MAX_CHUNK_SIZE = 8192;

    private final ApiServerSettings settings;
    private final ApiRouter router;
    private final Executor handlers;
    private final BodyBudget budget;
    private final SslContext tls;

    /** @param tls TLS for every connection, or null for plain HTTP */
    ApiServerInitializer(ApiServerSettings settings, ApiRouter router, Executor handlers, BodyBudget budget, SslContext tls) {
        this.settings = settings;
        this.router = router;
        this.handlers = handlers;
        this.budget = budget;
        this.tls = tls;
    }

    ApiServerInitializer(ApiServerSettings settings, ApiRouter router, Executor handlers, BodyBudget budget) {
        this(settings, router, handlers, budget, null);
    }

    @Override
    protected void initChannel(Channel ch) {
        RequestDeadlineHandler deadline = new RequestDeadlineHandler(settings.requestDeadline());
        if (tls != null) {
            // the handshake (and with mutual TLS the client's certificate) comes before any HTTP is read
            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
        }
        ch.pipeline()
                .addLast(new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast(deadline)
                .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CHUNK_SIZE))
                .addLast(new ApiRequestAggregator(router, settings.maxBodyBytes(), budget, deadline))
                .addLast(new ApiServerHandler(router, handlers, budget));
    }
}
