package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reachproof.coordinator.assembly.AssemblySettings;
import io.reachproof.coordinator.assembly.CoordinatorAssembly;
import io.reachproof.coordinator.round.ExpectationFiles;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.telemetry.Telemetry;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.RoundReport;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code reachproof status} against a real lab: 9 agents on loopback proving lab (a HOLE) and lab-no-mismatch. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusCommandIT {

    private static final Path EXAMPLES = Path.of("").toAbsolutePath().getParent().resolve("expectations/examples");

    private final String net = "127." + ThreadLocalRandom.current().nextInt(100, 250);
    private CoordinatorAssembly lab;
    private URI url;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @BeforeAll
    void startLab() throws Exception {
        List<LoadedExpectation> sets = ExpectationFiles.load(
                List.of(EXAMPLES.resolve("lab.yaml"), EXAMPLES.resolve("lab-no-mismatch.yaml")));
        lab = CoordinatorAssembly.start(AssemblySettings.of(Lab.settings(freePort()), sets)
                .withTelemetry(() -> Telemetry.builder().build()));
        Lab.startAround(lab, 9, net, LabCommand::nettyAgent);
        url = lab.url();
        for (String set : List.of("lab", "lab-no-mismatch")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> new CliRun()
                    .run("status", "--coordinator", url.toString(), "--expectation", set) != 2);
        }
    }

    @AfterAll
    void stopLab() {
        lab.close();
    }

    @Test
    void theNewestRoundWithAHoleIsShownAsTheLabShowsItAndExitsOne() {
        CliRun cli = new CliRun();

        int exit = cli.run("status", "--coordinator", url.toString(), "--expectation", "lab");

        assertThat(exit).isEqualTo(1);
        assertThat(cli.err()).isEmpty();
        assertThat(cli.out()).startsWith("round lab-").contains(
                "group -> group", "frontend -> payments", "cluster -> cluster", "aws-lab -> gcp-lab", "MISMATCHES",
                "HOLE    shop/frontend-", "7001/TCP  expected deny, observed allow (CONNECTED)  rule "
                        + EXAMPLES.resolve("lab.yaml") + ":30");
        assertThat(cli.out().lines().reduce((a, b) -> b).orElseThrow()).matches("\\(round lab-\\S+ finished \\d+ s ago\\)");
    }

    @Test
    void aSetWithoutMismatchesExitsZero() {
        CliRun cli = new CliRun();

        int exit = cli.run("status", "--coordinator", url.toString(), "--expectation", "lab-no-mismatch");

        assertThat(exit).isZero();
        assertThat(cli.out()).startsWith("round lab-no-mismatch-").contains("no mismatches: every proven cell is as expected");
    }

    @Test
    void jsonPrintsTheRoundReport() throws Exception {
        CliRun cli = new CliRun();

        int exit = cli.run("status", "--coordinator", url.toString(), "--expectation", "lab", "--json");

        RoundReport report = Json.mapper().readValue(cli.out(), RoundReport.class);
        assertThat(exit).isEqualTo(1);
        assertThat(report.expectation()).isEqualTo("lab");
        assertThat(report.mismatches()).isNotEmpty()
                .allSatisfy(m -> assertThat(m.cell().rule()).isEqualTo(EXAMPLES.resolve("lab.yaml") + ":30"));
    }

    @Test
    void withTwoSetsAndNoExpectationTheCoordinatorsAnswerIsShownWithExitTwo() {
        CliRun cli = new CliRun();

        int exit = cli.run("status", "--coordinator", url.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(cli.out()).isEmpty();
        assertThat(cli.err()).isEqualTo("reachproof status: the coordinator at " + url + " answered HTTP 400: query"
                + " parameter expectation is required; known: lab, lab-no-mismatch" + System.lineSeparator());
    }

    @Test
    void anUnknownExpectationIsExitTwoNamingTheKnownOnes() {
        CliRun cli = new CliRun();

        int exit = cli.run("status", "--coordinator", url.toString(), "--expectation", "shop");

        assertThat(exit).isEqualTo(2);
        assertThat(cli.err()).isEqualTo("reachproof status: the coordinator at " + url + " answered HTTP 404: unknown"
                + " expectation: shop (known: lab, lab-no-mismatch)" + System.lineSeparator());
    }

    @Test
    void anUnreachableCoordinatorIsExitTwoWithoutAStackTrace() throws Exception {
        CliRun cli = new CliRun();
        String nobody = "http://127.0.0.1:" + freePort();

        int exit = cli.run("status", "--coordinator", nobody, "--expectation", "lab");

        assertThat(exit).isEqualTo(2);
        assertThat(cli.err()).isEqualTo("reachproof status: cannot reach the coordinator at " + nobody
                + ": connection refused" + System.lineSeparator());
    }

    @Test
    void aCoordinatorThatIsNotAnHttpUrlIsAUsageError() {
        CliRun cli = new CliRun();

        int exit = cli.run("status", "--coordinator", "ftp://example.org");

        assertThat(exit).isEqualTo(2);
        assertThat(cli.err()).startsWith("--coordinator must be an http:// or https:// URL: ftp://example.org");
    }
}
