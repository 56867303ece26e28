package io.reachproof.agent.responder;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.concurrent.TimeUnit;

/** The HTTP responder's pipeline: bounded request line, headers and body; idle connections time out. */
final class HttpResponderInitializer extends ChannelInitializer<Channel> {

    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADER_SIZE = 8192;
    static final int MAX_BODY = 4096;
    static final int IDLE_SECONDS = 10;

    private final HttpIdentityHandler handler;

    HttpResponderInitializer(HttpIdentityHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast(
                new ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS),
                new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_BODY),
                new HttpObjectAggregator(MAX_BODY),
                handler);
    }
}
