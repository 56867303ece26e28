package io.reachproof.agent.responder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.reachproof.agent.wire.IdentityWire;
import java.nio.charset.StandardCharsets;

/** Writes the identity banner on every accepted connection, then closes it. Reads nothing. */
@ChannelHandler.Sharable
final class TcpBannerHandler extends ChannelInboundHandlerAdapter {

    private final ByteBuf banner;

    TcpBannerHandler(String agentId) {
        this.banner = Unpooled.unreleasableBuffer(
                Unpooled.copiedBuffer(IdentityWire.banner(agentId), StandardCharsets.UTF_8).asReadOnly());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(banner.duplicate()).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
