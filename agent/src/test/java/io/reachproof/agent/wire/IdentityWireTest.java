package io.reachproof.agent.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IdentityWireTest {

    private static final byte[] NONCE = "fedcba9876543210".getBytes(StandardCharsets.US_ASCII);

    @Test
    void bannerNamesTheAgentOnOneLine() {
        assertThat(IdentityWire.banner("a/b/c")).isEqualTo("reachproof/1 a/b/c\n");
        assertThat(IdentityWire.parseBanner("reachproof/1 a/b/c")).contains("a/b/c");
        assertThat(IdentityWire.parseBanner("reachproof/1 a/b/c\r")).contains("a/b/c");
        assertThat(IdentityWire.parseBanner("SSH-2.0-OpenSSH_9.2")).isEmpty();
        assertThat(IdentityWire.parseBanner("reachproof/1 ")).isEmpty();
    }

    @Test
    void udpRequestIsPaddedAndCarriesTheNonce() {
        ByteBuf request = Unpooled.buffer();
        IdentityWire.writeUdpRequest(request, NONCE);

        assertThat(request.readableBytes()).isEqualTo(512);
        assertThat(IdentityWire.parseUdpRequest(request)).hasValueSatisfying(n -> assertThat(n).isEqualTo(NONCE));
    }

    @Test
    void udpReplyRoundTripsAndRejectsATruncatedOne() {
        byte[] id = "azure-lab/shop/checkout-1".getBytes(StandardCharsets.UTF_8);
        ByteBuf reply = Unpooled.buffer();
        IdentityWire.writeUdpReply(reply, NONCE, id);

        assertThat(reply.readableBytes()).isEqualTo(IdentityWire.udpReplySize(id));
        IdentityWire.UdpReply parsed = IdentityWire.parseUdpReply(reply).orElseThrow();
        assertThat(parsed.agentId()).isEqualTo("azure-lab/shop/checkout-1");
        assertThat(parsed.answers(NONCE)).isTrue();
        assertThat(IdentityWire.parseUdpReply(reply.slice(0, reply.readableBytes() - 1))).isEmpty();
        assertThat(IdentityWire.parseUdpRequest(reply)).isEmpty();
    }

    @Test
    void agentIdsThatCannotTravelAreRejected() {
        assertThatThrownBy(() -> IdentityWire.checkAgentId("a b"))
                .hasMessage("agent id must be non-blank without whitespace: 'a b'");
        assertThatThrownBy(() -> IdentityWire.checkAgentId("x".repeat(256)))
                .hasMessage("agent id must be at most 255 bytes in UTF-8, got 256: " + "x".repeat(256));
    }
}
