package io.reachproof.coordinator.rollback;

import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.coordinator.signal.SignalTracker;
import static io.reachproof.coordinator.testing.RoundReports.round;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.reachproof.coordinator.signal.SignalTracker.Confirmations;
import io.reachproof.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookSinkTest {

    private static final byte[] SECRET = "s3cret-for-tests".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-11-21T16:00:00Z");
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** A receiver that checks the signature itself and acts once per idempotency key. */
    private static final class Receiver {
        final HttpServer server;
        final Queue<Integer> answers = new ConcurrentLinkedQueue<>();
        final List<String> requests = Collections.synchronizedList(new ArrayList<>());
        final Set<String> processed = Collections.synchronizedSet(new LinkedHashSet<>());
        final List<JsonNode> bodies = Collections.synchronizedList(new ArrayList<>());
        final List<String> rejected = Collections.synchronizedList(new ArrayList<>());
        volatile boolean processBeforeAnswering;
        volatile CountDownLatch hold;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/hook", this::handle);
            server.setExecutor(Executors.newSingleThreadExecutor());
            server.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
        }

        void handle(HttpExchange ex) throws IOException {
            try (ex) {
                CountDownLatch h = hold;
                if (h != null) {
                    hold = null;
                    h.await();
                }
                byte[] body = ex.getRequestBody().readAllBytes();
                String key = ex.getRequestHeaders().getFirst("X-Reachproof-Idempotency-Key");
                requests.add(key);
                String problem = checkSignature(ex.getRequestHeaders().getFirst("X-Reachproof-Signature"), body);
                if (problem != null) {
                    rejected.add(problem);
                    ex.sendResponseHeaders(401, -1);
                    return;
                }
                Integer status = answers.poll();
                int answer = status == null ? 200 : status;
                if ((answer / 100 == 2 || processBeforeAnswering) && processed.add(key)) {
                    bodies.add(Json.mapper().readTree(body));
                }
                ex.sendResponseHeaders(answer, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The README's recipe, written out independently of WebhookSignature. */
        static String checkSignature(String header, byte[] body) {
            if (header == null) {
                return "no signature";
            }
            Map<String, String> parts = new java.util.HashMap<>();
            for (String p : header.split(",")) {
                String[] kv = p.split("=", 2);
                parts.put(kv[0], kv[1]);
            }
            long t = Long.parseLong(parts.get("t"));
            if (Math.abs(NOW.getEpochSecond() - t) > TOLERANCE.toSeconds()) {
                return "stale " + t;
            }
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
                byte[] expected = mac.doFinal((t + "." + new String(body, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(expected).equals(parts.get("v1")) ? null : "bad signature";
            } catch (GeneralSecurityException e) {
                return e.toString();
            }
        }

        void stop() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    private Receiver receiver;
    private ScheduledExecutorService scheduler;
    private HttpClient http;

    @BeforeEach
    void start() throws IOException {
        receiver = new Receiver();
        scheduler = Executors.newSingleThreadScheduledExecutor();
        http = HttpClient.newBuilder().executor(scheduler).build();
    }

    @AfterEach
    void stop() {
        receiver.stop();
        scheduler.shutdownNow();
    }

    private WebhookSink sink(int capacity, int attempts) {
        WebhookConfig config = new WebhookConfig(receiver.url(), SECRET, capacity, attempts,
                new Backoff(Duration.ofMillis(10), Duration.ofMillis(40)), Duration.ofSeconds(5));
        return new WebhookSink(config, http, scheduler, false, Clock.fixed(NOW, ZoneOffset.UTC), () -> 0.5);
    }

    private static List<RollbackSignal> openChangeResolve() {
        SignalTracker tracker = new SignalTracker(Confirmations.DEFAULT);
        return List.of(
                tracker.observe(round("lab", "r1", 1000).traceId("4bf92f3577b34da6a3ce929d0e0e4736")
                        .hole("frontend", "payments", 7001).build()).orElseThrow(),
                tracker.observe(round("lab", "r2", 2000).hole("frontend", "payments", 7001)
                        .hole("checkout", "payments", 7001).build()).orElseThrow(),
                tracker.observe(round("lab", "r3", 3000).denied("frontend", "payments", 7001)
                        .denied("checkout", "payments", 7001).build()).orElseThrow());
    }

    @Test
    void aSignedSignalAnsweredWith500IsRetriedAndProcessedOnce() {
        RollbackSignal opened = openChangeResolve().get(0);
        receiver.answers.add(500);
        WebhookSink sink = sink(8, 5);

        sink.send(opened);

        await().atMost(10, SECONDS).until(() -> sink.delivered() == 1);
        assertThat(receiver.rejected).isEmpty();
        assertThat(receiver.requests).containsExactly(opened.idempotencyKey(), opened.idempotencyKey());
        assertThat(receiver.processed).containsExactly(opened.idempotencyKey());
        assertThat(sink.retried()).isEqualTo(1);
        JsonNode body = receiver.bodies.get(0);
        assertThat(body.get("schema").asText()).isEqualTo("reachproof.io/rollback-signal/v1");
        assertThat(body.get("idempotencyKey").asText()).isEqualTo(opened.idempotencyKey());
        assertThat(body.get("event").asText()).isEqualTo("opened");
        assertThat(body.get("state").asText()).isEqualTo("firing");
        assertThat(body.get("traceId").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(body.get("summary").asText())
                .isEqualTo("1 mismatch in lab: HOLE frontend -> payments 7001/TCP (aws-lab -> gcp-lab)");
        JsonNode m = body.get("mismatches").get(0);
        assertThat(m.get("kind").asText()).isEqualTo("HOLE");
        assertThat(m.get("expected").asText()).isEqualTo("deny");
        assertThat(m.get("observed").asText()).isEqualTo("allow");
        assertThat(m.get("outcome").asText()).isEqualTo("CONNECTED");
        assertThat(m.get("rule").asText()).isEqualTo("lab.yaml:32");
        assertThat(m.get("from").get("pod").asText()).isEqualTo("frontend-aws-lab-0");
        assertThat(m.get("to").get("cluster").asText()).isEqualTo("gcp-lab");
        assertThat(body.get("suspectChange").isNull()).isTrue();
    }

    @Test
    void aReceiverThatProcessedButLostItsAnswerSeesTheKeyAgainAndActsOnce() {
        RollbackSignal opened = openChangeResolve().get(0);
        receiver.processBeforeAnswering = true;
        receiver.answers.add(502);
        WebhookSink sink = sink(8, 5);

        sink.send(opened);

        await().atMost(10, SECONDS).until(() -> sink.delivered() == 1);
        assertThat(receiver.requests).hasSize(2);
        assertThat(receiver.processed).containsExactly(opened.idempotencyKey());
        assertThat(receiver.bodies).hasSize(1);
    }

    @Test
    void signalsArriveInTheOrderTheyWereSent() {
        List<RollbackSignal> signals = openChangeResolve();
        receiver.answers.add(500);
        WebhookSink sink = sink(8, 5);

        signals.forEach(sink::send);

        await().atMost(10, SECONDS).until(() -> sink.delivered() == 3);
        assertThat(receiver.processed).containsExactlyElementsOf(
                signals.stream().map(RollbackSignal::idempotencyKey).toList());
        assertThat(receiver.bodies).extracting(b -> b.get("event").asText())
                .containsExactly("opened", "changed", "resolved");
    }

    @Test
    void aFullQueueDropsTheOldestWaitingSignalWithoutBlocking() {
        SignalTracker tracker = new SignalTracker(Confirmations.DEFAULT);
        List<RollbackSignal> signals = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            var r = round("lab", "r" + i, 1000L * i).hole("frontend", "payments", 7000 + i);
            signals.add(tracker.observe(r.build()).orElseThrow());
            tracker.observe(round("lab", "c" + i, 1000L * i + 500).denied("frontend", "payments", 7000 + i).build());
        }
        CountDownLatch release = new CountDownLatch(1);
        receiver.hold = release;
        WebhookSink sink = sink(2, 5);

        signals.forEach(sink::send);

        assertThat(sink.dropped()).isEqualTo(2);
        release.countDown();
        await().atMost(10, SECONDS).until(() -> sink.delivered() == 3);
        assertThat(receiver.processed).containsExactly(signals.get(0).idempotencyKey(),
                signals.get(3).idempotencyKey(), signals.get(4).idempotencyKey());
    }

    @Test
    void aSignalIsGivenUpAfterTheLastAttemptAndTheNextOneIsDelivered() {
        List<RollbackSignal> signals = openChangeResolve();
        receiver.answers.addAll(List.of(503, 503, 503));
        WebhookSink sink = sink(8, 3);

        sink.send(signals.get(0));
        sink.send(signals.get(1));

        await().atMost(10, SECONDS).until(() -> sink.delivered() == 1);
        assertThat(sink.givenUp()).isEqualTo(1);
        assertThat(sink.retried()).isEqualTo(2);
        assertThat(receiver.requests).hasSize(4);
        assertThat(receiver.processed).containsExactly(signals.get(1).idempotencyKey());
    }

    @Test
    void anUnreachableReceiverIsRetriedThenGivenUp() {
        receiver.stop();
        WebhookSink sink = sink(8, 3);

        sink.send(openChangeResolve().get(0));

        await().atMost(10, SECONDS).until(() -> sink.givenUp() == 1);
        assertThat(sink.retried()).isEqualTo(2);
        assertThat(sink.delivered()).isZero();
    }

    @Test
    void awaitIdleReturnsOnceEverySignalIsDelivered() throws InterruptedException {
        List<RollbackSignal> signals = openChangeResolve();
        receiver.answers.add(500);
        WebhookSink sink = sink(8, 5);
        signals.forEach(sink::send);

        assertThat(sink.awaitIdle(Duration.ofSeconds(10))).isTrue();

        assertThat(sink.delivered()).isEqualTo(3);
        assertThat(receiver.processed).hasSize(3);
    }

    @Test
    void awaitIdleGivesUpAtItsTimeoutWhileTheReceiverHangs() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        receiver.hold = release;
        WebhookSink sink = sink(8, 5);
        sink.send(openChangeResolve().get(0));

        assertThat(sink.awaitIdle(Duration.ofMillis(200))).isFalse();

        release.countDown();
        assertThat(sink.awaitIdle(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aClosedSinkDropsWhatItIsSent() {
        WebhookSink sink = sink(8, 3);
        sink.close();

        sink.send(openChangeResolve().get(0));

        assertThat(sink.dropped()).isEqualTo(1);
    }
}
