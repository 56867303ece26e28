package io.reachproof.agent.responder;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Any bytes on a connection to the agent's HTTP responder, through its real pipeline on an
 * {@link EmbeddedChannel}: the pipeline never throws, the connection gets at most one well-formed HTTP/1.1
 * answer (then it is closed) and never a stack trace; a well-formed request line with a fuzzed target gets
 * exactly one, and the identity path answers 200 with the identity. Regression inputs live in
 * {@code src/test/resources/io/reachproof/agent/responder/AgentHttpFuzzTestInputs}.
 */
class AgentHttpFuzzTest {

    private static final byte[] IDENTITY = "{\"agentId\":\"fuzz-agent\"}".getBytes(StandardCharsets.UTF_8);
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

    @FuzzTest(maxDuration = "20s")
    void anyBytesGetAtMostOneWellFormedAnswer(FuzzedDataProvider data) {
        boolean wellFormed = data.consumeBoolean();
        String target = data.consumeAsciiString(200).replaceAll("[^\\x21-\\x7e]", "");
        byte[] request = wellFormed
                ? ("GET /" + target + " HTTP/1.1\r\nHost: fuzz\r\n\r\n").getBytes(StandardCharsets.US_ASCII)
                : data.consumeRemainingAsBytes();

        EmbeddedChannel channel = new EmbeddedChannel(
                new HttpResponderInitializer(new HttpIdentityHandler("fuzz-agent", IDENTITY)));
        channel.writeInbound(Unpooled.wrappedBuffer(request));
        channel.runPendingTasks();
        StringBuilder text = new StringBuilder();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            assertThat(o).isInstanceOf(ByteBuf.class);
            ByteBuf buf = (ByteBuf) o;
            text.append(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        channel.finishAndReleaseAll();

        String answer = text.toString();
        assertThat(answer).doesNotContain("Exception").doesNotContain("\tat ");
        Matcher statuses = STATUS_LINE.matcher(answer);
        int count = 0;
        while (statuses.find()) {
            count++;
        }
        assertThat(count).as("answers in: %s", answer).isLessThanOrEqualTo(1);
        if (!answer.isEmpty()) {
            assertThat(answer).startsWith("HTTP/1.1 ");
        }
        if (wellFormed) {
            assertThat(count).as("one answer to: GET /%s", target).isEqualTo(1);
            if (("/" + target).equals("/reachproof/identity")) {
                assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith(new String(IDENTITY, StandardCharsets.UTF_8));
            }
        }
    }
}
