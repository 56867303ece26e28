package io.reachproof.agent.responder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.reachproof.agent.wire.IdentityWire;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET}/{@code HEAD /reachproof/identity} (or the path it is made for: a listener borrowed in a pod answers
 * at the path probes of that pod request) -> 200 with the identity JSON; any other path 404, any
 * other method 405, a request line too long 414, headers too large 431, a malformed request or a malformed
 * percent-escape in its path or query 400 (a body
 * too large gets 413 from the aggregator in front). Every response names the agent in the
 * {@code Reachproof-Agent} header and closes the connection.
 */
@ChannelHandler.Sharable
final class HttpIdentityHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(HttpIdentityHandler.class);

    private final String agentId;
    private final byte[] identityJson;
    private final String identityPath;

    HttpIdentityHandler(String agentId, byte[] identityJson) {
        this(agentId, identityJson, IdentityWire.HTTP_IDENTITY_PATH);
    }

    HttpIdentityHandler(String agentId, byte[] identityJson, String identityPath) {
        this.agentId = agentId;
        this.identityJson = identityJson.clone();
        this.identityPath = identityPath;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpHeaderException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            respond(ctx, status, text(status), false);
            return;
        }
        String path;
        try {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            path = uri.path();
            uri.parameters();
        } catch (IllegalArgumentException malformed) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, Unpooled.copiedBuffer(HttpResponseStatus.BAD_REQUEST
                    + ": malformed percent-escape in " + request.uri() + ": " + malformed.getMessage() + "\n",
                    StandardCharsets.UTF_8), false);
            return;
        }
        if (!identityPath.equals(path)) {
            respond(ctx, HttpResponseStatus.NOT_FOUND, text(HttpResponseStatus.NOT_FOUND), false);
        } else if (HttpMethod.GET.equals(request.method())) {
            respond(ctx, HttpResponseStatus.OK, Unpooled.wrappedBuffer(identityJson), false);
        } else if (HttpMethod.HEAD.equals(request.method())) {
            respond(ctx, HttpResponseStatus.OK, Unpooled.wrappedBuffer(identityJson), true);
        } else {
            respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, text(HttpResponseStatus.METHOD_NOT_ALLOWED), false);
        }
    }

    private static ByteBuf text(HttpResponseStatus status) {
        return Unpooled.copiedBuffer(status + "\n", StandardCharsets.UTF_8);
    }

    private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, ByteBuf body, boolean head) {
        int length = body.readableBytes();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                head ? Unpooled.EMPTY_BUFFER : body);
        if (head) {
            body.release();
        }
        response.headers()
                .set(IdentityWire.HTTP_AGENT_HEADER, agentId)
                .set(HttpHeaderNames.CONTENT_TYPE, status == HttpResponseStatus.OK
                        ? HttpHeaderValues.APPLICATION_JSON : HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof ReadTimeoutException)) {
            LOG.debug("HTTP responder: closing a connection after {}", cause.toString());
        }
        ctx.close();
    }
}
