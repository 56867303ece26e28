package io.reachproof.coordinator.api;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** The pipeline of one coordinator API connection. */
final class ApiServerInitializer extends ChannelInitializer<SocketChannel> {

    private final ApiServerSettings settings;
    private final ApiRouter router;
    private final Executor handlers;

    ApiServerInitializer(ApiServerSettings settings, ApiRouter router, Executor handlers) {
        this.settings = settings;
        this.router = router;
        this.handlers = handlers;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast(new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast(new HttpServerCodec(8192, 16 * 1024, 8192))
                .addLast(new BodyLimitAggregator(settings.maxBodyBytes()))
                .addLast(new ApiServerHandler(router, handlers));
    }
}
