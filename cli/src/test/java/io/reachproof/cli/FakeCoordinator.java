package io.reachproof.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.reachproof.coordinator.api.ApiRequest;
import io.reachproof.coordinator.api.ApiResponse;
import io.reachproof.coordinator.api.GateRoute;
import io.reachproof.coordinator.round.InMemoryRoundHistory;
import io.reachproof.protocol.RoundReport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * A stand-in coordinator on 127.0.0.1 for the gate command's own paths (timeouts, refusals): the real
 * {@link GateRoute} over an in-memory history, and {@code POST /v1/rounds} that "runs" a round whose
 * report the test chooses. The lab tests use the real coordinator.
 */
final class FakeCoordinator implements AutoCloseable {

    final InMemoryRoundHistory history = new InMemoryRoundHistory(java.util.Set.of("lab"), 50);
    private final HttpServer server;
    private final ScheduledExecutorService rounds = Executors.newSingleThreadScheduledExecutor();
    private final GateRoute gate = new GateRoute(history, java.time.Clock.systemUTC(), java.util.Optional.empty());
    volatile LongFunction<RoundReport> nextRound;
    volatile long roundDelayMillis;
    volatile String requiredToken;
    volatile int triggers;
    private boolean open;

    FakeCoordinator() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, List<String>> query = new LinkedHashMap<>();
            String raw = ex.getRequestURI().getRawQuery();
            if (raw != null) {
                for (String kv : raw.split("&")) {
                    String[] p = kv.split("=", 2);
                    query.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                            List.of(p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : ""));
                }
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            ApiResponse response;
            if (requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
                response = ApiResponse.json(401, "{\"error\":\"a bearer token is required\"}".getBytes(
                        StandardCharsets.UTF_8));
            } else if (ex.getRequestMethod().equals("POST") && ex.getRequestURI().getPath().equals("/v1/rounds")) {
                response = trigger(query);
            } else if (ex.getRequestURI().getPath().equals(GateRoute.PATH)) {
                response = gate.handle(new ApiRequest(ex.getRequestMethod(), GateRoute.PATH, query, Map.of(), null));
            } else {
                response = ApiResponse.json(404, "{\"error\":\"no such route\"}".getBytes(StandardCharsets.UTF_8));
            }
            response.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.getResponseHeaders().add("Content-Type", response.contentType());
            ex.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
            ex.getResponseBody().write(response.body());
        }
    }

    private ApiResponse trigger(Map<String, List<String>> query) {
        List<String> e = query.get("expectation");
        if (e != null && !history.expectations().contains(e.get(0))) {
            return ApiResponse.json(404, ("{\"error\":\"unknown expectation '" + e.get(0) + "'\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        triggers++;
        LongFunction<RoundReport> round = nextRound;
        synchronized (this) {
            if (round != null && !open) {
                open = true;
                long startedAt = System.currentTimeMillis();
                rounds.schedule(() -> {
                    history.add(round.apply(startedAt));
                    synchronized (this) {
                        open = false;
                    }
                }, roundDelayMillis, TimeUnit.MILLISECONDS);
            }
        }
        return ApiResponse.json(202, "{\"roundId\":\"r1\",\"expectation\":\"lab\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
        rounds.shutdownNow();
    }
}
