package io.reachproof.coordinator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An ingress in a test: serves {@code PREFIX...} on a loopback port by forwarding {@code ...} to the upstream (the
 * path with the prefix cut off, the query, the method, the body and the headers a browser sends), as an ingress
 * with a path prefix and a rewrite does. Anything outside the prefix is a 404 and is remembered.
 */
final class PrefixProxy implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "keep-alive", "transfer-encoding", "te", "trailer", "proxy-authorization", "proxy-connection");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final URI upstream;
    private final String prefix;
    private final List<String> forwarded = new CopyOnWriteArrayList<>();
    private final List<String> outside = new CopyOnWriteArrayList<>();

    private PrefixProxy(URI upstream, String prefix) throws IOException {
        this.upstream = upstream;
        this.prefix = prefix;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    /** Forwards {@code prefix} (starting and ending with a slash) to {@code upstream}. */
    static PrefixProxy start(URI upstream, String prefix) throws IOException {
        return new PrefixProxy(upstream, prefix);
    }

    /** The page's address behind the prefix, with its trailing slash. */
    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + prefix);
    }

    /** Upstream paths forwarded so far (method and path). */
    List<String> forwarded() {
        return List.copyOf(forwarded);
    }

    /** Requests that missed the prefix (an absolute URL in the page would land here). */
    List<String> outside() {
        return List.copyOf(outside);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (!path.startsWith(prefix)) {
                outside.add(exchange.getRequestMethod() + " " + path);
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String rest = "/" + path.substring(prefix.length());
            String query = exchange.getRequestURI().getRawQuery();
            forwarded.add(exchange.getRequestMethod() + " " + rest);
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(rest + (query == null ? "" : "?" + query)))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] out = response.body();
            exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
