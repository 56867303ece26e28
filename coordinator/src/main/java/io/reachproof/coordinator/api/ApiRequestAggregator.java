package io.reachproof.coordinator.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the codec's request parts into {@link ApiExchange}s. Everything the head decides is decided before
 * any body is read: the target (a malformed percent-escape is 400), the route (404, 405), the route's
 * admission (401, 403), the size (413) and the server-wide body budget (503 with {@code Retry-After}). A
 * refused request's body is discarded as it arrives, never held. Bodies are held only within the
 * per-request limit and the shared {@link BodyBudget}; a request that misses its deadline is answered 408.
 */
final class ApiRequestAggregator extends ChannelInboundHandlerAdapter {

    /** A refused body is read and dropped up to this many bytes (so the client can read the answer), then the connection closes. */
    static final long MAX_DRAIN_BYTES = 64L * 1024 * 1024;
    static final String RETRY_AFTER_SECONDS = "1";

    private enum State { IDLE, READING, DISCARDING, CLOSING }

    private final ApiRouter router;
    private final int maxBodyBytes;
    private final BodyBudget budget;
    private final RequestDeadlineHandler deadline;

    private State state = State.IDLE;
    private ApiRoute route;
    private ApiRequest head;
    private boolean keepAlive;
    private boolean reservedUpFront;
    private long held;
    private CompositeByteBuf body;
    private boolean closeWhenDrained;
    private long drained;

    ApiRequestAggregator(ApiRouter router, int maxBodyBytes, BodyBudget budget, RequestDeadlineHandler deadline) {
        this.router = router;
        this.maxBodyBytes = maxBodyBytes;
        this.budget = budget;
        this.deadline = deadline;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                onHead(ctx, request);
            }
            if (msg instanceof HttpContent content) {
                onContent(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(ChannelHandlerContext ctx, HttpRequest request) {
        if (state == State.CLOSING) {
            return;
        }
        if (request.decoderResult().isFailure()) {
            malformed(ctx, request.decoderResult());
            return;
        }
        keepAlive = HttpUtil.isKeepAlive(request);
        drained = 0;
        closeWhenDrained = false;
        try {
            head = toHead(request);
            route = router.route(head.method(), head.path());
            route.admit(head);
        } catch (ApiException e) {
            refuse(ctx, ApiRouter.error(e.status(), e.getMessage()), keepAlive);
            return;
        }
        long length = HttpUtil.getContentLength(request, -1L);
        boolean expectsContinue = HttpUtil.is100ContinueExpected(request);
        if (length > maxBodyBytes) {
            ApiResponse tooLarge = ApiRouter.error(413, "request body exceeds the limit of " + maxBodyBytes + " bytes");
            if (expectsContinue) {
                // the client sends no body until we say so: answer and close at once
                ctx.fireChannelRead(new ApiExchange.Answer(tooLarge, false));
                close(ctx);
            } else {
                refuse(ctx, tooLarge, false);
                closeWhenDrained = true;
            }
            return;
        }
        reservedUpFront = length > 0;
        if (reservedUpFront && !budget.tryTake(length)) {
            refuse(ctx, busy(), keepAlive);
            return;
        }
        held = reservedUpFront ? length : 0;
        body = ctx.alloc().compositeBuffer(1024);
        state = State.READING;
        if (expectsContinue) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        switch (state) {
            case READING -> read(ctx, content, last);
            case DISCARDING -> {
                drained += content.content().readableBytes();
                if (drained > MAX_DRAIN_BYTES) {
                    close(ctx);
                } else if (last) {
                    ended();
                    if (closeWhenDrained) {
                        close(ctx);
                    } else {
                        state = State.IDLE;
                    }
                }
            }
            default -> {
                // IDLE: a stray part after a refusal that already ended; CLOSING: nothing more is taken
            }
        }
    }

    private void read(ChannelHandlerContext ctx, HttpContent content, boolean last) {
        if (content.decoderResult().isFailure()) {
            releaseBody();
            malformed(ctx, content.decoderResult());
            return;
        }
        int bytes = content.content().readableBytes();
        if (body.readableBytes() + (long) bytes > maxBodyBytes) {
            releaseBody();
            refuse(ctx, ApiRouter.error(413, "request body exceeds the limit of " + maxBodyBytes + " bytes"), false);
            closeWhenDrained = true;
            onContent(ctx, content);
            return;
        }
        if (!reservedUpFront && bytes > 0) {
            if (!budget.tryTake(bytes)) {
                releaseBody();
                refuse(ctx, busy(), keepAlive);
                onContent(ctx, content);
                return;
            }
            held += bytes;
        }
        if (bytes > 0) {
            body.addComponent(true, content.content().retain());
        }
        if (!last) {
            return;
        }
        if (reservedUpFront && body.readableBytes() < held) {
            budget.giveBack(held - body.readableBytes());
            held = body.readableBytes();
        }
        ApiRequest request = new ApiRequest(head.method(), head.path(), head.query(), head.headers(),
                ByteBufUtil.getBytes(body));
        body.release();
        body = null;
        ctx.fireChannelRead(new ApiExchange.Call(route, request, keepAlive, held));
        held = 0;
        state = State.IDLE;
        ended();
        if (!keepAlive) {
            close(ctx);
        }
    }

    /** Answers without running a route; the body, if any, is discarded. */
    private void refuse(ChannelHandlerContext ctx, ApiResponse answer, boolean keepConnection) {
        ctx.fireChannelRead(new ApiExchange.Answer(answer, keepConnection));
        state = State.DISCARDING;
        if (!keepConnection) {
            closeWhenDrained = true;
        }
    }

    private void malformed(ChannelHandlerContext ctx, DecoderResult result) {
        Throwable cause = result.cause();
        int status = cause instanceof TooLongHttpLineException ? 414 : cause instanceof TooLongHttpHeaderException ? 431 : 400;
        ctx.fireChannelRead(new ApiExchange.Answer(ApiRouter.error(status, "malformed HTTP request: " + cause.getMessage()), false));
        close(ctx);
    }

    private void close(ChannelHandlerContext ctx) {
        releaseBody();
        ended();
        state = State.CLOSING;
        ctx.channel().config().setAutoRead(false);
        ctx.fireChannelRead(new ApiExchange.Close());
    }

    private void ended() {
        deadline.requestEnded();
    }

    private static ApiResponse busy() {
        byte[] error = ApiRouter.errorBody(503, "the coordinator holds too many request bodies now; retry after "
                + RETRY_AFTER_SECONDS + " s");
        return new ApiResponse(503, "application/json", Map.of("Retry-After", RETRY_AFTER_SECONDS), error);
    }

    private static ApiRequest toHead(HttpRequest msg) {
        QueryStringDecoder uri = new QueryStringDecoder(msg.uri());
        Map<String, List<String>> query;
        String path;
        try {
            path = uri.path();
            query = uri.parameters();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("malformed percent-escape in the request target " + msg.uri() + ": "
                    + e.getMessage());
        }
        Map<String, String> headers = new HashMap<>();
        msg.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        return new ApiRequest(msg.method().name(), path, query, headers, new byte[0]);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == RequestDeadlineHandler.EXCEEDED) {
            if (state != State.CLOSING) {
                ctx.fireChannelRead(new ApiExchange.Answer(ApiRouter.error(408,
                        "request not received within the deadline of " + deadline.deadline().toMillis() + " ms"), false));
                close(ctx);
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
        if (held > 0) {
            budget.giveBack(held);
            held = 0;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseBody();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseBody();
    }
}
