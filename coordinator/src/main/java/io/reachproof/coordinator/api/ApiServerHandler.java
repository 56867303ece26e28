package io.reachproof.coordinator.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a connection's exchanges one after another, in the order the requests arrived, and writes each
 * answer before the next request runs: pipelined answers keep their order, and a close comes after every
 * earlier answer. Reading pauses while exchanges wait.
 */
final class ApiServerHandler extends SimpleChannelInboundHandler<ApiExchange> {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServerHandler.class);

    private final ApiRouter router;
    private final Executor handlers;
    private final BodyBudget budget;
    private final Deque<ApiExchange> waiting = new ArrayDeque<>();
    private boolean running;
    private boolean closing;

    ApiServerHandler(ApiRouter router, Executor handlers, BodyBudget budget) {
        this.router = router;
        this.handlers = handlers;
        this.budget = budget;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ApiExchange exchange) {
        if (closing) {
            giveBack(exchange);
            return;
        }
        waiting.add(exchange);
        ctx.channel().config().setAutoRead(false);
        next(ctx);
    }

    private void next(ChannelHandlerContext ctx) {
        while (!running && !closing && !waiting.isEmpty()) {
            ApiExchange exchange = waiting.poll();
            if (exchange instanceof ApiExchange.Answer answer) {
                write(ctx, answer.response(), answer.keepAlive());
            } else if (exchange instanceof ApiExchange.Close) {
                closing = true;
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            } else if (exchange instanceof ApiExchange.Call call) {
                running = true;
                router.dispatch(call.route(), call.request(), handlers).whenComplete((response, failure) -> {
                    budget.giveBack(call.heldBytes());
                    ApiResponse answer = failure != null ? ApiRouter.error(500, "internal error: " + failure) : response;
                    ctx.executor().execute(() -> {
                        running = false;
                        if (ctx.channel().isActive()) {
                            write(ctx, answer, call.keepAlive());
                            next(ctx);
                        }
                    });
                });
            }
        }
        if (!running && !closing && waiting.isEmpty()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private static void write(ChannelHandlerContext ctx, ApiResponse answer, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(answer.body()));
        answer.headers().forEach((k, v) -> response.headers().set(k, v));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length)
                .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response);
    }

    private void giveBack(ApiExchange exchange) {
        if (exchange instanceof ApiExchange.Call call) {
            budget.giveBack(call.heldBytes());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closing = true;
        waiting.forEach(this::giveBack);
        waiting.clear();
        super.channelInactive(ctx);
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
