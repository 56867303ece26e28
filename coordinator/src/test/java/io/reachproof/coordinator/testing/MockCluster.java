package io.reachproof.coordinator.testing;

import io.reachproof.coordinator.lab.PatchingDispatcher;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * The Kubernetes API server of one test cluster: fabric8's mock server in CRUD mode with real patches
 * ({@link PatchingDispatcher}; HTTPS, on loopback), which
 * also answers the expectations set on {@link #server()} first (a 403, say); with a client, a kubeconfig for it,
 * and a blip: {@link #stop()} and {@link #restart()} on the same port (a fresh, empty store).
 */
public final class MockCluster implements AutoCloseable {

    private KubernetesMockServer server;
    private KubernetesClient client;
    private final int port;
    private boolean running = true;

    private MockCluster(int port) {
        this.server = serve(port);
        this.port = server.getPort();
        this.client = server.createClient();
    }

    /** An API server on a free loopback port. */
    public static MockCluster start() {
        return new MockCluster(0);
    }

    private static KubernetesMockServer serve(int port) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new PatchingDispatcher(responses), true);
        server.init(InetAddress.getLoopbackAddress(), port);
        return server;
    }

    /** A client of this API server (a new one after {@link #restart()}). */
    public KubernetesClient client() {
        return client;
    }

    public KubernetesMockServer server() {
        return server;
    }

    /** The API server's URL, as clients name it. */
    public String url() {
        return client.getMasterUrl().toString();
    }

    /** Writes a kubeconfig for this API server (namespace {@code default}) to {@code file}. */
    public Path kubeconfig(Path file) {
        return kubeconfig(file, url(), "default");
    }

    /** A kubeconfig for the API server at {@code server}, context {@code mock} in {@code namespace}, TLS unverified. */
    public static Path kubeconfig(Path file, String server, String namespace) {
        try {
            return Files.writeString(file, String.join("\n",
                    "apiVersion: v1",
                    "kind: Config",
                    "clusters: [{name: mock, cluster: {server: \"" + server + "\", insecure-skip-tls-verify: true}}]",
                    "users: [{name: u, user: {token: t}}]",
                    "contexts: [{name: mock, context: {cluster: mock, user: u, namespace: " + namespace + "}}]",
                    "current-context: mock",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The API server goes away: connections are refused until {@link #restart()}. */
    public void stop() {
        client.close();
        server.destroy();
        running = false;
    }

    /** A fresh API server (empty store) on the same port, and a new client of it. */
    public void restart() {
        server = serve(port);
        client = server.createClient();
        running = true;
    }

    @Override
    public void close() {
        if (running) {
            stop();
        }
    }
}
