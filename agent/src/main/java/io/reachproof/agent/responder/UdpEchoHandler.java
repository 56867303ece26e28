package io.reachproof.agent.responder;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.reachproof.agent.wire.IdentityWire;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a probe datagram with its nonce and the agent id. The reply is never larger than the request (a
 * smaller request is dropped and counted: no amplification). Datagrams that are no reachproof request are
 * counted and ignored; nothing closes the channel.
 */
@ChannelHandler.Sharable
final class UdpEchoHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger LOG = LoggerFactory.getLogger(UdpEchoHandler.class);

    private final byte[] agentId;
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong tooSmall = new AtomicLong();

    UdpEchoHandler(String agentId) {
        this.agentId = IdentityWire.checkAgentId(agentId).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf content = packet.content();
        Optional<byte[]> nonce = IdentityWire.parseUdpRequest(content);
        if (nonce.isEmpty()) {
            if (malformed.incrementAndGet() == 1) {
                LOG.info("ignoring a datagram that is no reachproof request ({} bytes from {}); further ones are only counted",
                        content.readableBytes(), packet.sender());
            }
            return;
        }
        int replySize = IdentityWire.udpReplySize(agentId);
        if (replySize > content.readableBytes()) {
            tooSmall.incrementAndGet();
            return;
        }
        ByteBuf reply = ctx.alloc().buffer(replySize);
        IdentityWire.writeUdpReply(reply, nonce.get(), agentId);
        answered.incrementAndGet();
        ctx.writeAndFlush(new DatagramPacket(reply, packet.sender()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // e.g. ICMP errors for a reply's destination: a responder keeps serving
        LOG.debug("UDP responder: {}", cause.toString());
    }

    long answered() {
        return answered.get();
    }

    long malformed() {
        return malformed.get();
    }

    long tooSmall() {
        return tooSmall.get();
    }
}
