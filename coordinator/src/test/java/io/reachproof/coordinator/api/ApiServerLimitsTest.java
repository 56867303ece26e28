package io.reachproof.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The limits a client is held to, on a real loopback server: admission from the head, the body budget, the deadline. */
class ApiServerLimitsTest {

    private final AtomicInteger bodiesRead = new AtomicInteger();
    private final CompletableFuture<ApiResponse> later = new CompletableFuture<>();
    private final CompletableFuture<Integer> laterCalled = new CompletableFuture<>();
    private ApiServer server;

    private int start(ApiServerSettings settings) throws Exception {
        ApiRoute guarded = ApiRoute.of("POST", "/guarded", head -> {
            if (!head.header("authorization").orElse("").equals("Bearer ok")) {
                throw ApiException.unauthorized("bearer token is not valid");
            }
        }, r -> {
            bodiesRead.incrementAndGet();
            return ApiResponse.text(200, "got " + r.body().length + " bytes");
        });
        ApiRoute slow = new ApiRoute() {
            @Override
            public String method() {
                return "POST";
            }

            @Override
            public String path() {
                return "/later";
            }

            @Override
            public CompletableFuture<ApiResponse> handle(ApiRequest request) {
                laterCalled.complete(request.body().length);
                return later;
            }
        };
        server = new ApiServer(settings, List.of(guarded, slow));
        return server.start().getPort();
    }

    @AfterEach
    void stop() {
        later.complete(ApiResponse.text(200, "bye"));
        if (server != null) {
            server.close();
        }
    }

    private static String head(String path, long length, String... headers) {
        StringBuilder b = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    @Test
    void anUnauthenticatedRequestIsRefusedFromItsHeadBeforeAnyBodyIsSent() throws Exception {
        int port = start(ApiServerSettings.loopback(0));
        try (RawHttp c = new RawHttp(port)) {
            c.send(head("/guarded", 4 * 1024 * 1024));
            RawHttp.Answer a = c.read();
            assertThat(a.status()).isEqualTo(401);
            assertThat(a.body()).isEqualTo("{\"status\":401,\"error\":\"bearer token is not valid\"}");
            // the body that follows is discarded and the connection serves the next request
            c.send(new byte[4 * 1024 * 1024]);
            c.send(head("/guarded", 3, "Authorization: Bearer ok") + "abc");
            assertThat(c.read().body()).isEqualTo("got 3 bytes");
        }
        assertThat(bodiesRead).hasValue(1);
    }

    @Test
    void bodiesBeyondTheServerWideBudgetAre503WithRetryAfterAndTheBudgetComesBack() throws Exception {
        int port = start(ApiServerSettings.loopback(0).withMaxBodyBytes(1024).withMaxInFlightBodyBytes(1024));
        try (RawHttp first = new RawHttp(port); RawHttp third = new RawHttp(port)) {
            first.send(head("/later", 1024) + "x".repeat(1024));
            // the body is held while its route runs
            assertThat(laterCalled.get(10, TimeUnit.SECONDS)).isEqualTo(1024);
            third.send(head("/guarded", 10, "Authorization: Bearer ok"));
            RawHttp.Answer refused = third.read();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.head()).contains("\r\nRetry-After: 1\r\n");
            assertThat(refused.body()).isEqualTo("{\"status\":503,\"error\":\"the coordinator holds too many request bodies"
                    + " now; retry after 1 s\"}");

            later.complete(ApiResponse.text(200, "done"));
            assertThat(first.read().body()).isEqualTo("done");
            third.send("0123456789" + head("/guarded", 10, "Authorization: Bearer ok") + "0123456789");
            assertThat(third.read().body()).isEqualTo("got 10 bytes");
        }
    }

    @Test
    void aTrickledBodyIsAnswered408AtTheDeadlineAndClosed() throws Exception {
        int port = start(ApiServerSettings.loopback(0).withRequestDeadline(Duration.ofMillis(300)));
        try (RawHttp c = new RawHttp(port)) {
            c.send(head("/guarded", 100, "Authorization: Bearer ok") + "x");
            long started = System.nanoTime();
            RawHttp.Answer a = c.read();
            assertThat(a.status()).isEqualTo(408);
            assertThat(a.body()).isEqualTo("{\"status\":408,\"error\":\"request not received within the deadline of 300 ms\"}");
            assertThat(a.closes()).isTrue();
            assertThat(c.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(bodiesRead).hasValue(0);
    }

    @Test
    void aTrickledHeadCountsTowardsTheDeadline() throws Exception {
        int port = start(ApiServerSettings.loopback(0).withRequestDeadline(Duration.ofMillis(300)));
        try (RawHttp c = new RawHttp(port)) {
            c.send("POST /guarded HTTP/1.1\r\nHost: x\r\n");
            assertThat(c.read().status()).isEqualTo(408);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aRequestWithinTheDeadlineIsServedAndTheNextOneGetsAFreshDeadline() throws Exception {
        int port = start(ApiServerSettings.loopback(0).withRequestDeadline(Duration.ofMillis(300)));
        try (RawHttp c = new RawHttp(port)) {
            c.send(head("/guarded", 1, "Authorization: Bearer ok") + "x");
            assertThat(c.read().body()).isEqualTo("got 1 bytes");
            c.send(head("/guarded", 2, "Authorization: Bearer ok") + "xy");
            assertThat(c.read().body()).isEqualTo("got 2 bytes");
        }
    }
}
