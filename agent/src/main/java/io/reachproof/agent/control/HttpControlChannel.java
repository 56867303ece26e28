package io.reachproof.agent.control;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.BatchAck;
import io.reachproof.protocol.Heartbeat;
import io.reachproof.protocol.Plan;
import io.reachproof.protocol.ProtocolV1;
import io.reachproof.protocol.RegistrationAck;
import io.reachproof.protocol.ResultBatch;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** The agent's side of protocol v1 over HTTP/1.1: blocking calls, one request each. */
public final class HttpControlChannel implements ControlChannel {

    private final URI base;
    private final Supplier<String> token;
    private final String cluster;
    private final String agentKey;
    private final ObjectMapper mapper;
    private final Duration requestTimeout;
    private final HttpClient http;

    /**
     * @param token the bearer token to present now: the cluster's token, or the agent's service-account token
     *     (read again before each request, as the kubelet rotates it)
     * @param cluster the agent's cluster, sent as {@value ProtocolV1#CLUSTER_HEADER}
     * @param agentKey the agent's own key ({@link AgentKey}), sent as {@value ProtocolV1#AGENT_KEY_HEADER}
     */
    public HttpControlChannel(URI base, Supplier<String> token, String cluster, String agentKey, ObjectMapper mapper,
            Duration requestTimeout) {
        this(base, token, cluster, agentKey, mapper, requestTimeout, ClientTls.DEFAULT);
    }

    /** @param tls for an {@code https://} coordinator: whom to trust, and the client certificate of mutual TLS */
    public HttpControlChannel(URI base, Supplier<String> token, String cluster, String agentKey, ObjectMapper mapper,
            Duration requestTimeout, ClientTls tls) {
        this.base = requireNonNull(base, "base");
        this.token = requireNonNull(token, "token");
        this.cluster = requireNonNull(cluster, "cluster");
        this.agentKey = requireNonNull(agentKey, "agentKey");
        this.mapper = requireNonNull(mapper, "mapper");
        this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout");
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout);
        if (!tls.equals(ClientTls.DEFAULT)) {
            builder.sslContext(tls.sslContext());
        }
        this.http = builder.build();
    }

    public URI base() {
        return base;
    }

    @Override
    public RegistrationAck register(AgentIdentity identity) throws IOException, InterruptedException, CoordinatorRejected {
        return mapper.readValue(post(ProtocolV1.REGISTER, identity).body(), RegistrationAck.class);
    }

    @Override
    public void heartbeat(Heartbeat heartbeat) throws IOException, InterruptedException, CoordinatorRejected {
        post(ProtocolV1.HEARTBEAT, heartbeat);
    }

    @Override
    public BatchAck deliver(ResultBatch batch) throws IOException, InterruptedException, CoordinatorRejected {
        return mapper.readValue(post(ProtocolV1.RESULTS, batch).body(), BatchAck.class);
    }

    @Override
    public Optional<Plan> poll(String agentId, long version, Duration wait)
            throws IOException, InterruptedException, CoordinatorRejected {
        URI uri = base.resolve(ProtocolV1.PLAN + "?agent=" + URLEncoder.encode(agentId, StandardCharsets.UTF_8)
                + "&version=" + version);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + token.get())
                .header(ProtocolV1.CLUSTER_HEADER, cluster)
                .header(ProtocolV1.AGENT_KEY_HEADER, agentKey)
                .timeout(wait.plus(requestTimeout))
                .GET()
                .build();
        HttpResponse<byte[]> response = check(http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
        if (response.statusCode() == 204) {
            return Optional.empty();
        }
        return Optional.of(mapper.readValue(response.body(), Plan.class));
    }

    private HttpResponse<byte[]> post(String path, Object body) throws IOException, InterruptedException, CoordinatorRejected {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + token.get())
                .header(ProtocolV1.CLUSTER_HEADER, cluster)
                .header(ProtocolV1.AGENT_KEY_HEADER, agentKey)
                .header("Content-Type", "application/json")
                .timeout(requestTimeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)))
                .build();
        return check(http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
    }

    private HttpResponse<byte[]> check(HttpResponse<byte[]> response) throws CoordinatorRejected {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response;
        }
        String error = new String(response.body(), StandardCharsets.UTF_8);
        try {
            JsonNode node = mapper.readTree(response.body());
            if (node != null && node.hasNonNull("error")) {
                error = node.get("error").asText();
            }
        } catch (IOException e) {
            // not JSON: keep the raw text
        }
        throw new CoordinatorRejected(status, status + " from " + response.request().method() + " "
                + response.request().uri().getPath() + ": " + error);
    }
}
