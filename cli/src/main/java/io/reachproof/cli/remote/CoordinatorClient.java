package io.reachproof.cli.remote;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachproof.cli.gate.GateAnswer;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.ProtocolV1;
import io.reachproof.protocol.RoundReport;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Talks to a running coordinator for the CLI: {@code reachproof gate} triggers a round and asks the gate
 * endpoint, {@code reachproof status} reads the newest round.
 */
public final class CoordinatorClient {

    /** The coordinator could not be asked, or refused the question: the command cannot conclude. */
    public static final class CoordinatorException extends Exception {
        private static final long serialVersionUID = 1L;

        public CoordinatorException(String message) {
            super(message, null, false, false);
        }
    }

    private static final ObjectMapper MAPPER = Json.mapper();

    private final URI coordinator;
    private final String token;
    private final HttpClient http;
    private final Duration requestTimeout;

    public CoordinatorClient(URI coordinator, String token, HttpClient http, Duration requestTimeout) {
        String base = requireNonNull(coordinator, "coordinator").toString();
        this.coordinator = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.token = token == null || token.isBlank() ? null : token;
        this.http = requireNonNull(http, "http");
        this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout");
    }

    /**
     * The coordinator's clock, from a first gate answer ({@code "now"}), so that {@code since} does not depend
     * on this machine's clock; this machine's clock when the coordinator does not say. An answer without a
     * state (unknown expectation, bad token) is a {@link CoordinatorException} naming the coordinator's error.
     */
    public Instant serverNow(String expectation) throws CoordinatorException {
        Instant local = Instant.now();
        GateAnswer answer = ask(expectation, null, 0);
        if (answer.state() == null) {
            throw new CoordinatorException("the coordinator at " + coordinator + " answered HTTP " + answer.status() + ": "
                    + answer.message());
        }
        try {
            return answer.body().hasNonNull("now") ? Instant.parse(answer.body().get("now").asText()) : local;
        } catch (DateTimeParseException e) {
            return local;
        }
    }

    /**
     * Asks the coordinator to run a round now ({@code POST /v1/rounds[?expectation=NAME]}); while a round is
     * open the coordinator joins it instead. Returns the round's id, or null when the answer names none.
     */
    public String trigger(String expectation) throws CoordinatorException {
        HttpResponse<byte[]> response = send(request(ProtocolV1.ROUNDS, expectation, null)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        if (response.statusCode() / 100 != 2) {
            throw new CoordinatorException("the coordinator at " + coordinator + " refused to run a round: HTTP "
                    + response.statusCode() + describe(response));
        }
        try {
            JsonNode body = MAPPER.readTree(response.body());
            return body != null && body.hasNonNull("roundId") ? body.get("roundId").asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code GET /v1/gate?expectation=NAME&since=...&minCoverage=...} ({@code since} may be null). */
    public GateAnswer ask(String expectation, Instant since, double minCoverage) throws CoordinatorException {
        String query = (since == null ? "" : "since=" + enc(since.toString()) + "&") + "minCoverage=" + minCoverage;
        HttpResponse<byte[]> response = send(request("/v1/gate", expectation, query).GET().build());
        JsonNode body;
        try {
            body = MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new CoordinatorException("the coordinator at " + coordinator + " answered HTTP " + response.statusCode()
                    + " with something that is not JSON: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new CoordinatorException("the coordinator at " + coordinator + " answered HTTP " + response.statusCode()
                    + " without a JSON object");
        }
        return new GateAnswer(response.statusCode(), body);
    }

    /**
     * The newest finished round ({@code GET /v1/rounds/latest[?expectation=NAME]}). An answer other than a
     * round report (no round finished yet, an unknown expectation, a missing token) is a
     * {@link CoordinatorException} naming the coordinator's error.
     */
    public RoundReport latestRound(String expectation) throws CoordinatorException {
        HttpResponse<byte[]> response = send(request(ProtocolV1.LATEST_ROUND, expectation, null).GET().build());
        if (response.statusCode() != 200) {
            throw new CoordinatorException("the coordinator at " + coordinator + " answered HTTP "
                    + response.statusCode() + describe(response));
        }
        try {
            return MAPPER.readValue(response.body(), RoundReport.class);
        } catch (IOException e) {
            throw new CoordinatorException("the coordinator at " + coordinator + " answered with something that is"
                    + " not a round report: " + e.getMessage());
        }
    }

    /**
     * A rollback by hand ({@code POST /v1/rollback}): the record of what it did (or, {@code dryRun}, would do).
     * {@code to} is {@code last-proven} or a proven version's id. A refusal (no rollback in that cluster, an unknown
     * version, a missing token, a standby) is a {@link CoordinatorException} naming the coordinator's error.
     */
    public JsonNode rollback(String cluster, String to, boolean dryRun) throws CoordinatorException {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("cluster", cluster);
        body.put("to", to);
        body.put("dryRun", dryRun);
        HttpResponse<byte[]> response = send(request("/v1/rollback", null, null)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
        return object(response, "a rollback record");
    }

    /**
     * Each sync group's latest drift comparison ({@code GET /v1/drift}), or empty when the coordinator compares none
     * (it has no sync groups: 404).
     */
    public Optional<JsonNode> drift() throws CoordinatorException {
        HttpResponse<byte[]> response = send(request("/v1/drift", null, null).GET().build());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(object(response, "a drift comparison"));
    }

    /** Where rollback acts, the proven policy versions per cluster and the newest rollbacks ({@code GET /v1/rollbacks}). */
    public JsonNode rollbacks() throws CoordinatorException {
        return object(send(request("/v1/rollbacks", null, null).GET().build()), "the rollback status");
    }

    private JsonNode object(HttpResponse<byte[]> response, String what) throws CoordinatorException {
        if (response.statusCode() != 200) {
            throw new CoordinatorException("the coordinator at " + coordinator + " answered HTTP " + response.statusCode()
                    + describe(response) + (response.statusCode() == 404 ? " (is rollback configured: syncGroups[].rollback?)" : ""));
        }
        try {
            JsonNode body = MAPPER.readTree(response.body());
            if (body != null && body.isObject()) {
                return body;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new CoordinatorException("the coordinator at " + coordinator + " answered with something that is not " + what);
    }

    /**
     * The proof record of a period as the coordinator renders it ({@code GET /v1/report}): {@code query} is the
     * request's query string (since, until, cluster, expectation, format), already encoded.
     */
    public String report(String query) throws CoordinatorException {
        HttpResponse<byte[]> response = send(request("/v1/report", null, query).header("Accept", "*/*").GET().build());
        if (response.statusCode() != 200) {
            throw new CoordinatorException("the coordinator at " + coordinator + " answered HTTP " + response.statusCode()
                    + describe(response) + (response.statusCode() == 404 ? " (it keeps no proof record: no store)" : ""));
        }
        return new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    public URI coordinator() {
        return coordinator;
    }

    private HttpRequest.Builder request(String path, String expectation, String moreQuery) {
        String q = expectation == null ? "" : "expectation=" + enc(expectation);
        if (moreQuery != null) {
            q = q.isEmpty() ? moreQuery : q + "&" + moreQuery;
        }
        URI uri = URI.create(coordinator + path + (q.isEmpty() ? "" : "?" + q));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Accept", "application/json").header("User-Agent", "reachproof-cli/1");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws CoordinatorException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new CoordinatorException("the coordinator at " + coordinator + " did not answer within "
                    + requestTimeout.toSeconds() + "s");
        } catch (ConnectException e) {
            throw new CoordinatorException("cannot reach the coordinator at " + coordinator + ": connection refused");
        } catch (IOException e) {
            throw new CoordinatorException("cannot reach the coordinator at " + coordinator + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorException("interrupted while asking the coordinator at " + coordinator);
        }
    }

    private static String describe(HttpResponse<byte[]> response) {
        try {
            JsonNode body = MAPPER.readTree(response.body());
            if (body != null && body.hasNonNull("error")) {
                return ": " + body.get("error").asText();
            }
        } catch (IOException e) {
            // not JSON: fall through to the text
        }
        String text = new String(response.body(), StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "" : ": " + (text.length() > 200 ? text.substring(0, 200) + "..." : text);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
