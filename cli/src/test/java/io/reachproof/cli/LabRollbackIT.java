package io.reachproof.cli;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.reachproof.coordinator.rollback.WebhookSignature;
import io.reachproof.coordinator.rollback.WebhookSignature.Verification;
import io.reachproof.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The whole loop on this machine: {@code reachproof lab --webhook URL} as a real process (the built jar, the
 * secret in its environment), {@code reachproof gate} against it, the gate endpoint, and a receiver that
 * verifies the signed webhook.
 */
class LabRollbackIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path JAR = ROOT.resolve("cli/target/reachproof.jar");
    private static final String SECRET = "lab-webhook-secret";

    @TempDir
    Path dir;

    private Process lab;
    private HttpServer receiver;
    private final List<JsonNode> verified = Collections.synchronizedList(new ArrayList<>());
    private final List<String> rejected = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws InterruptedException {
        if (lab != null) {
            lab.destroy();
            if (!lab.waitFor(20, SECONDS)) {
                lab.destroyForcibly().waitFor(10, SECONDS);
            }
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private String startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.setExecutor(Executors.newSingleThreadExecutor());
        receiver.createContext("/hook", ex -> {
            try (ex) {
                byte[] body = ex.getRequestBody().readAllBytes();
                Verification v = WebhookSignature.verify(SECRET.getBytes(StandardCharsets.UTF_8),
                        ex.getRequestHeaders().getFirst("X-Reachproof-Signature"), body,
                        Instant.now().getEpochSecond(), Duration.ofMinutes(5));
                if (v != Verification.VALID) {
                    rejected.add(v.name());
                    ex.sendResponseHeaders(401, -1);
                    return;
                }
                JsonNode json = Json.mapper().readTree(body);
                assertThat(json.get("idempotencyKey").asText())
                        .isEqualTo(ex.getRequestHeaders().getFirst("X-Reachproof-Idempotency-Key"));
                verified.add(json);
                ex.sendResponseHeaders(204, -1);
            }
        });
        receiver.start();
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    /** Starts the lab process and waits until its coordinator answers the gate endpoint. */
    private String startLab(String expectations, String webhook, String net) throws Exception {
        assertThat(JAR).as("the cli jar (built in the package phase, before integration tests)").exists();
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "lab", "--port", Integer.toString(port), "--duration", "3m",
                "--loopback-net", net, "--expectations", ROOT.resolve("expectations/examples/" + expectations).toString()));
        if (webhook != null) {
            cmd.addAll(List.of("--webhook", webhook));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("lab-" + port + ".log").toFile());
        pb.environment().put("REACHPROOF_WEBHOOK_SECRET", SECRET);
        lab = pb.start();
        String url = "http://127.0.0.1:" + port;
        await().atMost(60, SECONDS).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            assertThat(lab.isAlive()).as("lab process alive; log: %s", dir.resolve("lab-" + port + ".log")).isTrue();
            int status = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/gate")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 200 || status == 412 || status == 503;
        });
        return url;
    }

    /** The test case of a rule; rules are named by the expectation file's path as the lab was given it. */
    private static Element testcase(Document doc, String rule, String file, int line) {
        String name = rule + " (" + ROOT.resolve("expectations/examples/" + file) + ":" + line + ")";
        NodeList cases = doc.getElementsByTagName("testcase");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < cases.getLength(); i++) {
            Element e = (Element) cases.item(i);
            names.add(e.getAttribute("name"));
            if (e.getAttribute("name").equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no testcase " + name + " in " + names);
    }

    @Test
    void aLabWithAHoleFailsTheGateNamesTheCellSignsAWebhookAndAnswersTheEndpointWithAFailure() throws Exception {
        String url = startLab("lab.yaml", startReceiver(), "127.41");
        Path junit = dir.resolve("gate.xml");
        CliRun cli = new CliRun();

        int exit = cli.run("gate", "--coordinator", url, "--expectation", "lab", "--timeout", "60s", "--junit",
                junit.toString());

        assertThat(exit).as("stdout %s stderr %s", cli.out(), cli.err()).isEqualTo(1);
        assertThat(cli.out()).startsWith("FAIL lab: ").contains("HOLE frontend -> payments 7001/TCP");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        Element failure = (Element) testcase(doc, "frontend -> payments deny 7001/TCP", "lab.yaml", 30)
                .getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("type")).isEqualTo("HOLE");
        assertThat(failure.getAttribute("message")).contains("HOLE frontend -> payments 7001/TCP");
        assertThat(testcase(doc, "frontend -> checkout allow 7001/TCP, 7003/HTTP", "lab.yaml", 22)
                .getElementsByTagName("failure").getLength()).isZero();

        HttpResponse<String> gate = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/gate?expectation=lab"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(gate.statusCode()).isEqualTo(412);
        assertThat(Json.mapper().readTree(gate.body()).get("pass").asBoolean()).isFalse();

        await().atMost(30, SECONDS).until(() -> !verified.isEmpty());
        assertThat(rejected).isEmpty();
        JsonNode signal = verified.get(0);
        assertThat(signal.get("event").asText()).isEqualTo("opened");
        assertThat(signal.get("expectation").asText()).isEqualTo("lab");
        assertThat(signal.get("mismatches")).allSatisfy(m -> {
            assertThat(m.get("kind").asText()).isEqualTo("HOLE");
            assertThat(m.get("fromGroup").asText()).isEqualTo("frontend");
            assertThat(m.get("toGroup").asText()).isEqualTo("payments");
            assertThat(m.get("rule").asText()).isEqualTo(ROOT.resolve("expectations/examples/lab.yaml") + ":30");
        });
    }

    @Test
    void aLabWithoutMismatchesPassesTheGateAndSendsNoSignal() throws Exception {
        String url = startLab("lab-no-mismatch.yaml", startReceiver(), "127.42");
        Path junit = dir.resolve("gate.xml");
        CliRun cli = new CliRun();

        int exit = cli.run("gate", "--coordinator", url, "--timeout", "60s", "--junit", junit.toString());

        assertThat(exit).as("stdout %s stderr %s", cli.out(), cli.err()).isZero();
        assertThat(cli.out()).startsWith("PASS lab-no-mismatch: round ");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("0");
        assertThat(doc.getDocumentElement().getAttribute("errors")).isEqualTo("0");
        assertThat(Integer.parseInt(doc.getDocumentElement().getAttribute("tests"))).isGreaterThanOrEqualTo(2);
        HttpResponse<String> gate = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/gate")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(gate.statusCode()).isEqualTo(200);
        assertThat(verified).isEmpty();
        assertThat(Files.exists(junit)).isTrue();
    }
}
