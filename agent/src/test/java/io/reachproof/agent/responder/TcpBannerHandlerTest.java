package io.reachproof.agent.responder;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TcpBannerHandlerTest {

    @Test
    void everyConnectionGetsTheBannerAndIsClosed() {
        TcpBannerHandler handler = new TcpBannerHandler("gcp-lab/payments/payments-2");
        for (int i = 0; i < 2; i++) {
            EmbeddedChannel ch = new EmbeddedChannel(handler);

            ByteBuf banner = ch.readOutbound();
            assertThat(banner.toString(StandardCharsets.UTF_8)).isEqualTo("reachproof/1 gcp-lab/payments/payments-2\n");
            assertThat(ch.isOpen()).isFalse();
        }
    }
}
