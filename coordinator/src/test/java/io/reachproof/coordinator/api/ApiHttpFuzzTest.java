package io.reachproof.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.reachproof.coordinator.LabExpectation;
import io.reachproof.coordinator.MutableClock;
import io.reachproof.coordinator.evaluate.RoundEvaluator;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.coordinator.plan.PlannerSettings;
import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.registry.AgentRegistry;
import io.reachproof.coordinator.registry.RegistrySettings;
import io.reachproof.coordinator.round.InMemoryRoundHistory;
import io.reachproof.coordinator.round.PlanBoard;
import io.reachproof.coordinator.round.RoundService;
import io.reachproof.coordinator.round.RoundSettings;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.ProtocolV1;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;

/**
 * Any bytes on a coordinator API connection, through the real pipeline ({@link ApiServerInitializer} on an
 * {@link EmbeddedChannel}) and the real agent routes over a real round service: the pipeline never throws,
 * every answer is a well-formed HTTP/1.1 response, every refusal is JSON {@code {"status", "error"}} and no
 * answer carries a stack trace. A well-formed request with a fuzzed body (the first byte picks the route)
 * gets exactly one answer. Regression inputs live in
 * {@code src/test/resources/io/reachproof/coordinator/api/ApiHttpFuzzTestInputs}.
 */
class ApiHttpFuzzTest {

    private static final String KEY = "fuzzed-agent-key-0123456789abcdefghijklmnop";
    private static final String[] PATHS = {ProtocolV1.REGISTER, ProtocolV1.HEARTBEAT, ProtocolV1.RESULTS, "/nowhere"};
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) [^\\r\\n]*\\r\\n");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AgentRegistry registry = new AgentRegistry(clock, RegistrySettings.defaults());
    private final PlanBoard board = new PlanBoard(5000, timer, 1);
    private final RoundService rounds = new RoundService(clock, registry, board,
            new ProbePlanner(new PlannerSettings(1, 100, 2, 100)), new RoundEvaluator(2), report -> report,
            new InMemoryRoundHistory(Set.of("lab"), 3), List.of(LabExpectation.loaded("lab", Duration.ofSeconds(5))),
            new RoundSettings(Duration.ofMillis(100), 32, 3), timer);
    private final ApiRouter router = new ApiRouter(new AgentRoutes(Json.mapper(), new ClusterTokens(LabFleet.tokens()),
            registry, board, rounds, Duration.ofMillis(1), 100).routes().stream()
            .filter(r -> !r.path().equals(ProtocolV1.PLAN)) // the long poll answers from a timer thread
            .toList());
    private final ApiServerSettings settings = ApiServerSettings.loopback(0).withMaxBodyBytes(64 * 1024);

    @AfterEach
    void stop() {
        rounds.close();
        timer.shutdownNow();
    }

    @FuzzTest(maxDuration = "20s")
    void anyBytesGetWellFormedAnswersAndNoStackTrace(FuzzedDataProvider data) {
        boolean wellFormed = data.consumeBoolean();
        String path = PATHS[Math.floorMod(data.consumeByte(), PATHS.length)];
        byte[] rest = data.consumeRemainingAsBytes();
        byte[] request = wellFormed ? post(path, rest) : rest;

        EmbeddedChannel channel = new EmbeddedChannel(
                new ApiServerInitializer(settings, router, Runnable::run, new BodyBudget(1024 * 1024)));
        channel.writeInbound(Unpooled.wrappedBuffer(request));
        channel.runPendingTasks();
        String answers = outbound(channel);
        channel.finishAndReleaseAll();

        List<Integer> statuses = check(answers);
        if (wellFormed) {
            assertThat(statuses).as("one answer to one well-formed request: %s", answers).hasSize(1);
        }
    }

    private static byte[] post(String path, byte[] body) {
        String head = "POST " + path + " HTTP/1.1\r\nHost: fuzz\r\nAuthorization: Bearer " + LabFleet.token("aws-lab")
                + "\r\n" + ProtocolV1.AGENT_KEY_HEADER + ": " + KEY + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    private static String outbound(EmbeddedChannel channel) {
        StringBuilder text = new StringBuilder();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            assertThat(o).isInstanceOf(ByteBuf.class);
            ByteBuf buf = (ByteBuf) o;
            text.append(buf.toString(StandardCharsets.ISO_8859_1)); // one char per byte: Content-Length counts bytes
            buf.release();
        }
        return text.toString();
    }

    /** The statuses of the answers in {@code text}, after checking each is well formed. */
    private static List<Integer> check(String text) {
        List<Integer> statuses = new ArrayList<>();
        assertThat(text).doesNotContain("Exception").doesNotContain("\tat ");
        int at = 0;
        while (at < text.length()) {
            Matcher m = STATUS_LINE.matcher(text).region(at, text.length());
            assertThat(m.lookingAt()).as("an HTTP/1.1 status line at %d of: %s", at, text).isTrue();
            int status = Integer.parseInt(m.group(1));
            int headEnd = text.indexOf("\r\n\r\n", at);
            assertThat(headEnd).as("a complete head in: %s", text).isPositive();
            Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(text.substring(at, headEnd));
            assertThat(length.find()).as("a content-length in: %s", text).isTrue();
            int bodyStart = headEnd + 4;
            int bodyEnd = bodyStart + Integer.parseInt(length.group(1));
            assertThat(bodyEnd).as("a body of its Content-Length in: %s", text).isLessThanOrEqualTo(text.length());
            String body = new String(text.substring(bodyStart, bodyEnd).getBytes(StandardCharsets.ISO_8859_1),
                    StandardCharsets.UTF_8);
            if (status >= 400) {
                assertThat(body).startsWith("{\"status\":" + status + ",\"error\":\"").endsWith("\"}");
            }
            statuses.add(status);
            at = bodyEnd;
        }
        return statuses;
    }
}
