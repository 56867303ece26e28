package io.reachproof.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiServerTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final CompletableFuture<ApiResponse> later = new CompletableFuture<>();
    private ApiServer server;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        ApiRoute echo = ApiRoute.of("POST", "/echo", r -> ApiResponse.text(200, "got " + r.body().length + " bytes, q="
                + r.queryParam("q").orElse("-") + ", auth=" + r.header("Authorization").orElse("-")));
        ApiRoute fails = ApiRoute.of("GET", "/fails", r -> {
            throw new IllegalStateException("boom");
        });
        ApiRoute refuses = ApiRoute.of("GET", "/refuses", r -> {
            throw new ApiException(403, "not yours");
        });
        ApiRoute json = ApiRoute.of("POST", "/json", r -> {
            AgentIdentity id = JsonBody.read(Json.mapper(), r, AgentIdentity.class);
            return ApiResponse.text(200, id.agentId());
        });
        ApiRoute slow = new ApiRoute() {
            @Override
            public String method() {
                return "GET";
            }

            @Override
            public String path() {
                return "/later";
            }

            @Override
            public CompletableFuture<ApiResponse> handle(ApiRequest request) {
                return later;
            }
        };
        server = new ApiServer(ApiServerSettings.loopback(0).withMaxBodyBytes(1024), List.of(echo, fails, refuses, json, slow));
        var address = server.start();
        base = URI.create("http://127.0.0.1:" + address.getPort());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer t");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void dispatchesExactMethodAndPathWithQueryHeadersAndBody() throws Exception {
        HttpResponse<String> r = send("POST", "/echo?q=a%20b", "12345");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("got 5 bytes, q=a b, auth=Bearer t");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405NamingTheAllowedOnes() throws Exception {
        HttpResponse<String> missing = send("GET", "/nope", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"status\":404,\"error\":\"no such endpoint: /nope\"}");
        HttpResponse<String> wrong = send("GET", "/echo", null);
        assertThat(wrong.statusCode()).isEqualTo(405);
        assertThat(wrong.body()).isEqualTo("{\"status\":405,\"error\":\"GET not allowed on /echo; allowed: POST\"}");
    }

    @Test
    void aThrowingRouteAnswers500ForThatRequestOnly() throws Exception {
        assertThat(send("GET", "/fails", null).statusCode()).isEqualTo(500);
        assertThat(send("GET", "/fails", null).body()).contains("java.lang.IllegalStateException: boom");
        assertThat(send("POST", "/echo", "x").statusCode()).isEqualTo(200);
    }

    @Test
    void anApiExceptionAnswersItsOwnStatusAndMessage() throws Exception {
        HttpResponse<String> r = send("GET", "/refuses", null);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).isEqualTo("{\"status\":403,\"error\":\"not yours\"}");
    }

    @Test
    void malformedJsonIs400NamingLineColumnAndProblem() throws Exception {
        HttpResponse<String> r = send("POST", "/json", "{\"agentId\": \"a\",\n \"cluster\": }");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(r.body()).get("error").asText()).isEqualTo(
                "invalid AgentIdentity JSON at line 2, column 13: Unexpected character ('}' (code 125)):"
                        + " expected a value");
    }

    @Test
    void aRecordThatRejectsItsValueIs400NamingTheRule() throws Exception {
        HttpResponse<String> r = send("POST", "/json", "{\"agentId\": \" \", \"cluster\": \"c\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(r.body()).get("error").asText())
                .isEqualTo("invalid AgentIdentity JSON at line 1, column 32: agentId must not be blank");
    }

    @Test
    void anOversizedBodyIs413AndTheServerKeepsServingOthers() throws Exception {
        HttpResponse<String> r = send("POST", "/echo", "x".repeat(2048));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).isEqualTo("{\"status\":413,\"error\":\"request body exceeds the limit of 1024 bytes\"}");
        assertThat(send("POST", "/echo", "x".repeat(1024)).statusCode()).isEqualTo(200);
    }

    @Test
    void aLongPollAnswersWhenItsStageCompletesWhileOtherRequestsAreServed() throws Exception {
        CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(
                HttpRequest.newBuilder(base.resolve("/later")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(send("POST", "/echo", "y").statusCode()).isEqualTo(200);
        assertThat(waiting).isNotDone();
        later.complete(ApiResponse.text(200, "now"));
        assertThat(waiting.get().body()).isEqualTo("now");
    }

    @Test
    void garbageOnTheSocketDoesNotStopTheServer() throws Exception {
        try (Socket s = new Socket("127.0.0.1", base.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write("NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 400");
        } catch (IOException e) {
            // a reset is also an acceptable end for garbage; what matters is the next request
        }
        assertThat(send("POST", "/echo", "z").statusCode()).isEqualTo(200);
    }

    private static String get(String path, String... headers) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + String.join("", java.util.Arrays.stream(headers)
                .map(h -> h + "\r\n").toList()) + "\r\n";
    }

    private static String post(String path, String body, String... headers) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n"
                + String.join("", java.util.Arrays.stream(headers).map(h -> h + "\r\n").toList()) + "\r\n" + body;
    }

    @Test
    void pipelinedRequestsAreAnsweredInRequestOrder() throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            try (RawHttp c = new RawHttp(base.getPort())) {
                c.send(post("/echo", "12345") + get("/nope") + post("/echo", "1"));
                assertThat(c.read().body()).isEqualTo("got 5 bytes, q=-, auth=-");
                assertThat(c.read().status()).isEqualTo(404);
                assertThat(c.read().body()).isEqualTo("got 1 bytes, q=-, auth=-");
            }
        }
    }

    @Test
    void aPipelinedAnswerWaitsForTheLongPollBeforeIt() throws Exception {
        try (RawHttp c = new RawHttp(base.getPort())) {
            c.send(get("/later") + get("/nope"));
            later.complete(ApiResponse.text(200, "now"));
            assertThat(c.read().body()).isEqualTo("now");
            assertThat(c.read().status()).isEqualTo(404);
        }
    }

    @Test
    void connectionCloseOnTheSecondRequestClosesAfterBothAnswers() throws Exception {
        try (RawHttp c = new RawHttp(base.getPort())) {
            c.send(post("/echo", "12345") + get("/nope", "Connection: close"));
            List<RawHttp.Answer> answers = c.readUntilClosed();
            assertThat(answers).extracting(RawHttp.Answer::status).containsExactly(200, 404);
            assertThat(answers.get(1).closes()).isTrue();
        }
    }

    @Test
    void aMalformedPercentEscapeIs400NamingItAndEarlierAnswersAreKept() throws Exception {
        try (RawHttp c = new RawHttp(base.getPort())) {
            c.send(post("/echo", "12345") + get("/echo?q=%zz") + get("/e%zzcho") + post("/echo", "1"));
            assertThat(c.read().body()).isEqualTo("got 5 bytes, q=-, auth=-");
            RawHttp.Answer query = c.read();
            assertThat(query.status()).isEqualTo(400);
            assertThat(query.body()).isEqualTo("{\"status\":400,\"error\":\"malformed percent-escape in the request"
                    + " target /echo?q=%zz: invalid hex byte 'zz' at index 9 of '/echo?q=%zz'\"}");
            RawHttp.Answer path = c.read();
            assertThat(path.status()).isEqualTo(400);
            assertThat(path.body()).startsWith("{\"status\":400,\"error\":\"malformed percent-escape in the request"
                    + " target /e%zzcho: ");
            assertThat(c.read().body()).isEqualTo("got 1 bytes, q=-, auth=-");
        }
    }

    @Test
    void expectContinueOverTheLimitIs413WithJsonAndCloses() throws Exception {
        try (RawHttp c = new RawHttp(base.getPort())) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2048\r\nExpect: 100-continue\r\n\r\n");
            RawHttp.Answer a = c.read();
            assertThat(a.status()).isEqualTo(413);
            assertThat(a.body()).isEqualTo("{\"status\":413,\"error\":\"request body exceeds the limit of 1024 bytes\"}");
            assertThat(a.closes()).isTrue();
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void expectContinueWithinTheLimitIsContinuedAndAnswered() throws Exception {
        try (RawHttp c = new RawHttp(base.getPort())) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(100);
            c.send("abc");
            assertThat(c.read().body()).isEqualTo("got 3 bytes, q=-, auth=-");
        }
    }
}
