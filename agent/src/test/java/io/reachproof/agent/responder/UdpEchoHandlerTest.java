package io.reachproof.agent.responder;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.reachproof.agent.wire.IdentityWire;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UdpEchoHandlerTest {

    private static final InetSocketAddress SENDER = new InetSocketAddress("127.0.0.9", 40000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.10", 7002);
    private static final byte[] NONCE = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final UdpEchoHandler handler = new UdpEchoHandler("aws-lab/shop/frontend-0");
    private final EmbeddedChannel channel = new EmbeddedChannel(handler);

    private static DatagramPacket datagram(ByteBuf content) {
        return new DatagramPacket(content, LOCAL, SENDER);
    }

    @Test
    void requestIsAnsweredWithItsNonceAndTheAgentIdNoLargerThanTheRequest() {
        ByteBuf request = Unpooled.buffer();
        IdentityWire.writeUdpRequest(request, NONCE);

        channel.writeInbound(datagram(request));

        DatagramPacket reply = channel.readOutbound();
        assertThat(reply.recipient()).isEqualTo(SENDER);
        assertThat(reply.content().readableBytes()).isLessThanOrEqualTo(IdentityWire.UDP_REQUEST_SIZE);
        IdentityWire.UdpReply parsed = IdentityWire.parseUdpReply(reply.content()).orElseThrow();
        assertThat(parsed.answers(NONCE)).isTrue();
        assertThat(parsed.agentId()).isEqualTo("aws-lab/shop/frontend-0");
        assertThat(handler.answered()).isEqualTo(1);
        reply.release();
    }

    @Test
    void garbageDatagramsAreCountedAndIgnoredWithoutClosingTheChannel() {
        channel.writeInbound(datagram(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII)));
        channel.writeInbound(datagram(Unpooled.EMPTY_BUFFER));
        channel.writeInbound(datagram(Unpooled.wrappedBuffer(new byte[] {'R', 'P', 'Q'})));

        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(handler.malformed()).isEqualTo(3);
        assertThat(channel.isOpen()).isTrue();

        ByteBuf request = Unpooled.buffer();
        IdentityWire.writeUdpRequest(request, NONCE);
        channel.writeInbound(datagram(request));
        DatagramPacket reply = channel.readOutbound();
        assertThat(reply).isNotNull();
        reply.release();
    }

    @Test
    void requestTooSmallToCarryTheReplyIsDroppedSoNothingIsAmplified() {
        ByteBuf small = Unpooled.buffer();
        small.writeBytes("RPQ1".getBytes(StandardCharsets.US_ASCII)).writeBytes(NONCE);

        channel.writeInbound(datagram(small));

        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(handler.tooSmall()).isEqualTo(1);
        assertThat(channel.isOpen()).isTrue();
    }
}
