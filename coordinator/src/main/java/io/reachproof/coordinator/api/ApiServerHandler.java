package io.reachproof.coordinator.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one aggregated request into an {@link ApiRequest}, dispatches it, and writes the answer. Reading
 * pauses while a request is in flight so pipelined answers keep their order.
 */
final class ApiServerHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServerHandler.class);

    private final ApiRouter router;
    private final Executor handlers;

    ApiServerHandler(ApiRouter router, Executor handlers) {
        this.router = router;
        this.handlers = handlers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        boolean keepAlive = HttpUtil.isKeepAlive(msg);
        if (msg.decoderResult().isFailure()) {
            write(ctx, ApiRouter.error(400, "malformed HTTP request: " + msg.decoderResult().cause().getMessage()), false);
            return;
        }
        ApiRequest request = toApiRequest(msg);
        ctx.channel().config().setAutoRead(false);
        router.dispatch(request, handlers).whenComplete((response, failure) -> {
            ApiResponse answer = failure != null ? ApiRouter.error(500, "internal error: " + failure) : response;
            ctx.executor().execute(() -> {
                write(ctx, answer, keepAlive);
                ctx.channel().config().setAutoRead(true);
            });
        });
    }

    static ApiRequest toApiRequest(FullHttpRequest msg) {
        QueryStringDecoder uri = new QueryStringDecoder(msg.uri());
        Map<String, String> headers = new HashMap<>();
        msg.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        byte[] body = ByteBufUtil.getBytes(msg.content());
        return new ApiRequest(msg.method().name(), uri.path(), uri.parameters(), headers, body);
    }

    private static void write(ChannelHandlerContext ctx, ApiResponse answer, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(answer.body()));
        answer.headers().forEach((k, v) -> response.headers().set(k, v));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("API connection from {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
