package io.reachproof.coordinator.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A webhook receiver on loopback for tests: answers every delivery 200 and keeps it as {@code EVENT BODY} (the
 * {@code X-Reachproof-Event} header, a space, the body), in arrival order.
 */
public final class HookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<String> deliveries = Collections.synchronizedList(new ArrayList<>());

    private HookReceiver(HttpServer server) {
        this.server = server;
    }

    public static HookReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            HookReceiver receiver = new HookReceiver(server);
            server.createContext("/hook", ex -> {
                try (ex) {
                    receiver.deliveries.add(ex.getRequestHeaders().getFirst("X-Reachproof-Event") + " "
                            + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                    ex.sendResponseHeaders(200, -1);
                }
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where to send the deliveries. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Every delivery so far, as {@code EVENT BODY}. */
    public List<String> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    /** The bodies of the deliveries of {@code event}, in order. */
    public List<String> bodies(String event) {
        return deliveries().stream().filter(d -> d.startsWith(event + " ")).map(d -> d.substring(event.length() + 1))
                .toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
