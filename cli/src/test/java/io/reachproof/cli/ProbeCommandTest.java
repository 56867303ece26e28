package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.agent.Transport;
import io.reachproof.agent.responder.ResponderSet;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Responder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeCommandTest {

    private static final ObjectMapper MAPPER = Json.mapper();

    private final String address = "127." + ThreadLocalRandom.current().nextInt(200, 250) + "."
            + ThreadLocalRandom.current().nextInt(0, 256) + "." + ThreadLocalRandom.current().nextInt(1, 255);
    private final CliRun cli = new CliRun();
    private ResponderSet agent;

    @TempDir
    Path dir;

    @BeforeEach
    void startAgent() {
        agent = ResponderSet.start(new AgentIdentity("aws-lab/shop/checkout-0", "aws-lab", "aws", null, null, null, null,
                null, null, null, List.of(new Responder(7001, "TCP"), new Responder(7002, "UDP"), new Responder(7003, "HTTP")),
                null), address, Transport.detect());
    }

    @AfterEach
    void stopAgent() {
        agent.close();
    }

    private int run(String... args) {
        return cli.run(args);
    }

    private List<JsonNode> jsonLines() throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : cli.out().split("\n")) {
            nodes.add(MAPPER.readTree(line));
        }
        return nodes;
    }

    @Test
    void jsonModePrintsOneLinePerResultAndASummary() throws IOException {
        int code = run("probe", "--json", "--timeout", "2s", "--expect-id", "aws-lab/shop/checkout-0",
                "tcp://" + address + ":7001", "udp://" + address + ":7002", "http://" + address + ":7003/reachproof/identity");

        assertThat(code).isEqualTo(0);
        List<JsonNode> lines = jsonLines();
        assertThat(lines).hasSize(4);
        for (JsonNode result : lines.subList(0, 3)) {
            assertThat(result.get("outcome").asText()).isEqualTo("CONNECTED");
            assertThat(result.get("peer").asText()).isEqualTo("aws-lab/shop/checkout-0");
            assertThat(result.get("attempts").asInt()).isEqualTo(1);
            assertThat(result.get("latencyMs").isNumber()).isTrue();
        }
        assertThat(lines.subList(0, 3)).extracting(n -> n.get("target").asText()).containsExactlyInAnyOrder(
                "tcp://" + address + ":7001", "udp://" + address + ":7002",
                "http://" + address + ":7003/reachproof/identity");
        JsonNode summary = lines.get(3).get("summary");
        assertThat(summary.get("probes").asLong()).isEqualTo(3);
        assertThat(summary.get("seconds").isNumber()).isTrue();
        assertThat(summary.get("probesPerSecond").isNumber()).isTrue();
        assertThat(summary.get("outcomes").get("CONNECTED").asLong()).isEqualTo(3);
        assertThat(summary.get("outcomes").get("TIMEOUT").asLong()).isZero();
    }

    @Test
    void everyOutcomeIsAResultNotAFailure() throws IOException {
        int code = run("probe", "--json", "--expect-id", "someone-else", "tcp://" + address + ":7001",
                "tcp://" + address + ":7999");

        assertThat(code).isEqualTo(0);
        JsonNode summary = jsonLines().get(2).get("summary");
        assertThat(summary.get("outcomes").get("WRONG_PEER").asLong()).isEqualTo(1);
        assertThat(summary.get("outcomes").get("REFUSED").asLong()).isEqualTo(1);
    }

    @Test
    void repeatProbesTheWholeListNTimes() throws IOException {
        Path file = Files.writeString(dir.resolve("targets.txt"),
                "# the agent\n\ntcp://" + address + ":7001\nudp://" + address + ":7002\n");

        int code = run("probe", "--json", "--summary-only", "--repeat", "50", "--concurrency", "8", "--targets", file.toString());

        assertThat(code).isEqualTo(0);
        List<JsonNode> lines = jsonLines();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).get("summary").get("probes").asLong()).isEqualTo(100);
        assertThat(lines.get(0).get("summary").get("outcomes").get("CONNECTED").asLong()).isEqualTo(100);
    }

    @Test
    void textModePrintsALinePerResultAndASummaryLine() {
        int code = run("probe", "tcp://" + address + ":7001");

        assertThat(code).isEqualTo(0);
        String[] lines = cli.out().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("tcp://" + address + ":7001").contains("CONNECTED").contains("attempts=1");
        assertThat(lines[1]).matches("1 probes in \\d+\\.\\d{3} s \\(\\d+/s\\): CONNECTED 1");
    }

    @Test
    void badTargetIsAUsageErrorNamingIt() {
        int code = run("probe", "tcp://" + address + ":7001", "sctp://10.0.0.1:80");

        assertThat(code).isEqualTo(2);
        assertThat(cli.err()).contains("bad target 'sctp://10.0.0.1:80': expected tcp://HOST:PORT, "
                + "udp://HOST:PORT or http://HOST:PORT/PATH");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void badTargetInAFileNamesFileAndLine() throws IOException {
        Path file = Files.writeString(dir.resolve("targets.txt"), "tcp://10.0.0.1:80\n# ok\ntcp://10.0.0.1:0\n");

        int code = run("probe", "--targets", file.toString());

        assertThat(code).isEqualTo(2);
        assertThat(cli.err()).contains("" + file + ":3: bad target 'tcp://10.0.0.1:0'");
    }

    @Test
    void noTargetsAndBadNumbersAreUsageErrors() {
        assertThat(run("probe")).isEqualTo(2);
        assertThat(cli.err()).contains("no targets: give TARGET arguments or --targets FILE");
        assertThat(run("probe", "--attempts", "0", "tcp://10.0.0.1:80")).isEqualTo(2);
        assertThat(cli.err()).contains("--attempts must be at least 1: 0");
        assertThat(run("probe", "--timeout", "soon", "tcp://10.0.0.1:80")).isEqualTo(2);
        assertThat(cli.err()).contains("'soon' is not a positive duration like 500ms, 1s or 2m");
    }

    @Test
    void targetsParse() {
        assertThat(ProbeTarget.parse("http://[::1]:8080/a/b?x=1"))
                .isEqualTo(new ProbeTarget("http://[::1]:8080/a/b?x=1", Protocol.HTTP, "::1", 8080, "/a/b?x=1"));
        assertThat(ProbeTarget.parse("http://example.test")).isEqualTo(
                new ProbeTarget("http://example.test", Protocol.HTTP, "example.test", 80, "/"));
        assertThat(ProbeTarget.parse("udp://10.1.2.3:53")).isEqualTo(
                new ProbeTarget("udp://10.1.2.3:53", Protocol.UDP, "10.1.2.3", 53, null));
    }

    @Test
    void aNetworkNamespaceThatDoesNotExistIsOneLineNamingItAndExitTwo() {
        int code = run("probe", "--netns", "rp-no-such-namespace", "tcp://" + address + ":7001");

        assertThat(code).isEqualTo(2);
        assertThat(cli.err()).isEqualTo("reachproof probe: --netns rp-no-such-namespace: network namespace"
                + " /run/netns/rp-no-such-namespace does not exist\n");
    }
}
