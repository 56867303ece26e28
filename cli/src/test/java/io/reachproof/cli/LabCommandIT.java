package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.protocol.Json;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.RoundReport;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class LabCommandIT {

    private static final String EXAMPLES = "../expectations/examples/";

    private final CliRun cli = new CliRun();
    /** A loopback /16 of its own, so a lab someone runs on this machine does not collide with the test's. */
    private final String net = "127." + ThreadLocalRandom.current().nextInt(100, 250);

    private int run(String... args) {
        return cli.run(args);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void theLabShowsTheHoleInItsFirstRoundAndJsonExitsOne() throws Exception {
        int port = freePort();

        int exit = run("lab", "--port", String.valueOf(port), "--duration", "6s", "--json", "--loopback-net", net);

        assertThat(exit).isEqualTo(Main.EXIT_FAILED);
        RoundReport report = Json.mapper().readValue(cli.out(), RoundReport.class);
        assertThat(report.expectation()).isEqualTo("lab");
        assertThat(report.cells()).hasSize(45);
        assertThat(report.coverage()).isEqualTo(1.0);
        assertThat(report.mismatches()).hasSize(9).allSatisfy(m -> {
            assertThat(m.kind()).isEqualTo(MismatchKind.HOLE);
            assertThat(m.cell().fromGroup()).isEqualTo("frontend");
            assertThat(m.cell().toGroup()).isEqualTo("payments");
            assertThat(m.cell().port()).isEqualTo(7001);
            assertThat(m.cell().rule()).isEqualTo("expectations/examples/lab.yaml:30");
        });
        assertThat(cli.err())
                .contains("coordinator: http://127.0.0.1:" + port)
                .contains("frontend -> payments         9       0        9 !              0")
                .contains("HOLE    shop/frontend-0 (aws-lab) -> payments/payments-6 (aws-lab)  7001/TCP  expected deny,"
                        + " observed allow (CONNECTED)  rule expectations/examples/lab.yaml:30")
                .doesNotContain("Exception");
    }

    @Test
    void expectationsWithoutTheDenyRuleExitZero() throws Exception {
        int exit = run("lab", "--agents", "6", "--port", String.valueOf(freePort()), "--duration", "6s", "--json",
                "--expectations", EXAMPLES + "lab-no-mismatch.yaml", "--loopback-net", net);

        assertThat(exit).as(cli.err()).isEqualTo(Main.EXIT_OK);
        RoundReport report = Json.mapper().readValue(cli.out(), RoundReport.class);
        assertThat(report.expectation()).isEqualTo("lab-no-mismatch");
        assertThat(report.mismatches()).isEmpty();
        assertThat(report.cells()).isNotEmpty();
    }

    @Test
    void invalidExpectationsExitOneWithEveryProblemAndStartNothing() throws Exception {
        String file = EXAMPLES + "invalid/mistakes.yaml";

        int exit = run("lab", "--port", String.valueOf(freePort()), "--expectations", file, "--loopback-net", net);

        assertThat(exit).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err().lines()).hasSize(13).allSatisfy(l -> assertThat(l).startsWith(file + ":"));
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void aBusyPortIsAClearError() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int exit = run("lab", "--port", String.valueOf(busy.getLocalPort()), "--duration", "2s", "--loopback-net", net);

            assertThat(exit).isEqualTo(Main.EXIT_FAILED);
            assertThat(cli.err()).contains("cannot listen on 127.0.0.1:" + busy.getLocalPort())
                    .contains("choose another --port").doesNotContain("\tat ");
        }
    }

    @Test
    void aBadDurationIsAUsageError() {
        assertThat(run("lab", "--duration", "soon")).isEqualTo(Main.EXIT_USAGE);
        assertThat(cli.err()).startsWith("--duration must be a duration such as 30s or 2m: soon");
    }
}
