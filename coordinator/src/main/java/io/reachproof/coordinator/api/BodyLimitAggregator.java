package io.reachproof.coordinator.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Aggregates request bodies up to a limit. A larger body is answered 413 with a JSON error at once; the
 * rest of it is read and discarded (up to {@link #MAX_DRAIN_BYTES}) before the connection closes, so the
 * client, still sending, is not reset before it can read the answer.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {

    static final long MAX_DRAIN_BYTES = 64L * 1024 * 1024;

    private final int maxBodyBytes;
    private boolean closeWhenDrained;
    private long drained;

    BodyLimitAggregator(int maxBodyBytes) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        byte[] body = ApiRouter.errorBody(413, "request body exceeds the limit of " + maxBodyBytes + " bytes");
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (oversized instanceof FullHttpMessage || HttpUtil.is100ContinueExpected(oversized)) {
            // nothing more will come: the whole message is here, or the client waits for our answer before sending it
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response);
            closeWhenDrained = true;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        boolean last = msg instanceof LastHttpContent;
        if (closeWhenDrained && msg instanceof HttpContent content) {
            drained += content.content().readableBytes();
        }
        super.channelRead(ctx, msg);
        if (closeWhenDrained && (last || drained > MAX_DRAIN_BYTES)) {
            closeWhenDrained = false;
            ctx.close();
        }
    }
}
