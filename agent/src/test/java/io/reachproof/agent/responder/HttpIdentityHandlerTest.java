package io.reachproof.agent.responder;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The HTTP responder's real pipeline in an EmbeddedChannel, fed raw request bytes. */
class HttpIdentityHandlerTest {

    private static final String JSON = "{\"agentId\":\"aws-lab/shop/frontend-0\"}";

    private boolean serverOpen;

    private FullHttpResponse exchange(String rawRequest) {
        EmbeddedChannel server = new EmbeddedChannel(new HttpResponderInitializer(
                new HttpIdentityHandler("aws-lab/shop/frontend-0", JSON.getBytes(StandardCharsets.UTF_8))));
        server.writeInbound(Unpooled.copiedBuffer(rawRequest, StandardCharsets.US_ASCII));
        EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(65536));
        // the client codec must know which request it answers (HEAD has no body)
        client.writeOutbound(new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1,
                rawRequest.startsWith("HEAD") ? HttpMethod.HEAD
                        : HttpMethod.GET, "/"));
        client.releaseOutbound();
        for (Object out; (out = server.readOutbound()) != null; ) {
            client.writeInbound((ByteBuf) out);
        }
        serverOpen = server.isOpen();
        return client.readInbound();
    }

    @Test
    void identityPathAnswersWithTheIdentityJsonAndTheAgentHeader() {
        FullHttpResponse r = exchange("GET /reachproof/identity HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(r.status().code()).isEqualTo(200);
        assertThat(r.headers().get("Reachproof-Agent")).isEqualTo("aws-lab/shop/frontend-0");
        assertThat(r.headers().get("Content-Type")).isEqualTo("application/json");
        assertThat(r.content().toString(StandardCharsets.UTF_8)).isEqualTo(JSON);
        assertThat(serverOpen).as("the responder closes the connection after answering").isFalse();
        r.release();
    }

    @Test
    void headAnswersTheHeadersWithoutABody() {
        FullHttpResponse r = exchange("HEAD /reachproof/identity HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(r.status().code()).isEqualTo(200);
        assertThat(r.headers().getInt("Content-Length")).isEqualTo(JSON.length());
        assertThat(r.content().readableBytes()).isZero();
        r.release();
    }

    @Test
    void unknownPathIsNotFoundButStillNamesTheAgent() {
        FullHttpResponse r = exchange("GET /admin HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(r.status().code()).isEqualTo(404);
        assertThat(serverOpen).isFalse();
        assertThat(r.headers().get("Reachproof-Agent")).isEqualTo("aws-lab/shop/frontend-0");
        r.release();
    }

    @Test
    void otherMethodsAreNotAllowed() {
        FullHttpResponse r = exchange("DELETE /reachproof/identity HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");

        assertThat(r.status().code()).isEqualTo(405);
        r.release();
    }

    @Test
    void oversizedHeadersAre431() {
        FullHttpResponse r = exchange("GET /reachproof/identity HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n");

        assertThat(r.status().code()).isEqualTo(431);
        assertThat(serverOpen).isFalse();
        r.release();
    }

    @Test
    void oversizedRequestLineIs414() {
        FullHttpResponse r = exchange("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(r.status().code()).isEqualTo(414);
        r.release();
    }

    @Test
    void oversizedBodyIs413AndTheRestOfTheBodyIsDiscarded() {
        FullHttpResponse r = exchange("POST /reachproof/identity HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
                + "a".repeat(5000));

        assertThat(r.status().code()).isEqualTo(413);
        r.release();
    }

    @Test
    void garbageIsABadRequest() {
        FullHttpResponse r = exchange("\u0001\u0002 nonsense\r\n\r\n");

        assertThat(r.status().code()).isEqualTo(400);
        r.release();
    }

    @Test
    void aMalformedPercentEscapeIsABadRequestNamingIt() {
        FullHttpResponse r = exchange("GET /reachproof/identity?x=%zz HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(r.status().code()).isEqualTo(400);
        assertThat(r.content().toString(StandardCharsets.UTF_8)).isEqualTo("400 Bad Request: malformed percent-escape"
                + " in /reachproof/identity?x=%zz: invalid hex byte 'zz' at index 24 of '/reachproof/identity?x=%zz'\n");
        assertThat(r.headers().get("Reachproof-Agent")).isEqualTo("aws-lab/shop/frontend-0");
        assertThat(serverOpen).isFalse();
        r.release();
    }

    @Test
    void aGoodRequestPipelinedBeforeAMalformedOneKeepsItsAnswerAndTheSecondIsNotAnswered() {
        EmbeddedChannel server = new EmbeddedChannel(new HttpResponderInitializer(
                new HttpIdentityHandler("aws-lab/shop/frontend-0", JSON.getBytes(StandardCharsets.UTF_8))));
        server.writeInbound(Unpooled.copiedBuffer("GET /reachproof/identity HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /e%zz HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
        EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(65536));
        client.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        client.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        client.releaseOutbound();
        for (Object out; (out = server.readOutbound()) != null; ) {
            client.writeInbound((ByteBuf) out);
        }

        FullHttpResponse first = client.readInbound();
        assertThat(first.status().code()).isEqualTo(200);
        assertThat(first.content().toString(StandardCharsets.UTF_8)).isEqualTo(JSON);
        first.release();
        assertThat(client.<Object>readInbound()).as("one answer per connection").isNull();
        assertThat(server.isOpen()).isFalse();
    }
}
