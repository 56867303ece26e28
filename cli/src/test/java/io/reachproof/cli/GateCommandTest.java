package io.reachproof.cli;

import static io.reachproof.coordinator.testing.RoundReports.DENY;
import static io.reachproof.coordinator.testing.RoundReports.round;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class GateCommandTest {

    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();
    private FakeCoordinator coordinator;

    @BeforeEach
    void start() throws IOException {
        coordinator = new FakeCoordinator();
    }

    @AfterEach
    void stop() {
        coordinator.close();
    }

    private int run(String... args) {
        return cli.run(args);
    }

    static Document parse(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    static Element testcase(Document doc, String name) {
        NodeList cases = doc.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element e = (Element) cases.item(i);
            if (e.getAttribute("name").equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no testcase " + name);
    }

    @Test
    void aCleanRoundAfterTheTriggerPassesWithExitZeroAndAJUnitCasePerRule() throws Exception {
        coordinator.nextRound = t -> round("lab", "r1", t).ok("frontend", "checkout", 7001)
                .denied("frontend", "payments", 7001).build();
        Path junit = dir.resolve("reports/gate.xml");

        int code = run("gate", "--coordinator", coordinator.url(), "--expectation", "lab", "--junit", junit.toString(),
                "--poll-interval", "50ms");

        assertThat(code).isZero();
        assertThat(cli.out()).isEqualTo("PASS lab: round r1 proved lab: 2 cells, no mismatches"
                + System.lineSeparator());
        assertThat(cli.err()).isEmpty();
        assertThat(coordinator.triggers).isPositive();
        Document doc = parse(junit);
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("name")).isEqualTo("reachproof.gate.lab");
        assertThat(suite.getAttribute("tests")).isEqualTo("2");
        assertThat(suite.getAttribute("failures")).isEqualTo("0");
        assertThat(suite.getAttribute("errors")).isEqualTo("0");
        assertThat(testcase(doc, "frontend -> checkout allow 7001/TCP (lab.yaml:20)").getChildNodes().getLength())
                .isZero();
        assertThat(testcase(doc, "frontend -> payments deny 7001/TCP (lab.yaml:32)").getAttribute("classname"))
                .isEqualTo("reachproof.gate.lab");
    }

    @Test
    void aHoleFailsWithExitOneNamingTheCellOnStdoutAndInTheJUnitFailure() throws Exception {
        coordinator.nextRound = t -> round("lab", "r1", t).traceId("4bf92f3577b34da6a3ce929d0e0e4736")
                .ok("frontend", "checkout", 7001).hole("frontend", "payments", 7001).build();
        Path junit = dir.resolve("gate.xml");

        int code = run("gate", "--coordinator", coordinator.url(), "--expectation", "lab", "--junit", junit.toString(),
                "--poll-interval", "50ms");

        assertThat(code).isEqualTo(1);
        assertThat(cli.out().lines()).containsExactly(
                "FAIL lab: 1 mismatch in lab: HOLE frontend -> payments 7001/TCP (aws-lab -> gcp-lab) (round r1)",
                "  HOLE frontend -> payments 7001/TCP: expected deny, observed allow (CONNECTED),"
                        + " shop/frontend-aws-lab-0 (aws-lab) -> payments/payments-gcp-lab-0 (gcp-lab), rule lab.yaml:32",
                "  trace 4bf92f3577b34da6a3ce929d0e0e4736");
        Document doc = parse(junit);
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("tests")).isEqualTo("2");
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
        Element failure = (Element) testcase(doc, "frontend -> payments deny 7001/TCP (lab.yaml:32)")
                .getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("type")).isEqualTo("HOLE");
        assertThat(failure.getAttribute("message"))
                .isEqualTo("1 mismatched cell: HOLE frontend -> payments 7001/TCP (aws-lab -> gcp-lab)");
        assertThat(failure.getTextContent()).contains("shop/frontend-aws-lab-0 (aws-lab) -> payments/payments-gcp-lab-0");
        assertThat(testcase(doc, "frontend -> checkout allow 7001/TCP (lab.yaml:20)")
                .getElementsByTagName("failure").getLength()).isZero();
        NodeList props = doc.getElementsByTagName("property");
        assertThat(props.getLength()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void itWaitsForTheRoundWhileTheGateIsPending() {
        coordinator.roundDelayMillis = 400;
        coordinator.nextRound = t -> round("lab", "r1", t).ok("frontend", "checkout", 7001).build();

        int code = run("gate", "--coordinator", coordinator.url(), "--poll-interval", "50ms");

        assertThat(code).isZero();
        assertThat(cli.out()).startsWith("PASS lab: round r1");
    }

    @Test
    void noRoundBeforeTheTimeoutIsInconclusiveWithExitTwo() throws Exception {
        Path junit = dir.resolve("gate.xml");

        int code = run("gate", "--coordinator", coordinator.url(), "--expectation", "lab", "--timeout", "300ms",
                "--poll-interval", "50ms", "--junit", junit.toString());

        assertThat(code).isEqualTo(2);
        assertThat(cli.err()).matches("reachproof gate: INCONCLUSIVE lab: no complete round of lab started"
                + " since \\S+ finished within 300ms\\R");
        Element error = (Element) parse(junit).getElementsByTagName("error").item(0);
        assertThat(error.getAttribute("message")).startsWith("no complete round of lab started since");
        assertThat(((Element) error.getParentNode()).getAttribute("name")).isEqualTo("complete round of lab");
    }

    @Test
    void roundsThatProveTooLittleUntilTheTimeoutAreInconclusiveUnlessTheCoverageIsLowered() throws Exception {
        coordinator.nextRound = t -> round("lab", "r1", t).ok("frontend", "checkout", 7001)
                .inconclusive("frontend", "payments", 7001, DENY).build();

        Path junit = dir.resolve("inconclusive.xml");

        assertThat(run("gate", "--coordinator", coordinator.url(), "--poll-interval", "50ms", "--timeout", "400ms",
                "--junit", junit.toString())).isEqualTo(2);
        assertThat(cli.err()).isEqualTo("reachproof gate: INCONCLUSIVE lab: round r1 proved only 50.0% of the"
                + " cells of lab (minCoverage 100.0%; inconclusive: 1 TARGET_LOST); no mismatches; ask again"
                + " (gave up after 400ms)" + System.lineSeparator());
        Element unproven = (Element) testcase(parse(junit), "frontend -> payments deny 7001/TCP (lab.yaml:32)")
                .getElementsByTagName("skipped").item(0);
        assertThat(unproven.getAttribute("message")).isEqualTo("no cell proven: 1 inconclusive (1 TARGET_LOST)");
        assertThat(coordinator.triggers).as("triggers again while inconclusive").isGreaterThan(1);
        assertThat(run("gate", "--coordinator", coordinator.url(), "--poll-interval", "50ms", "--min-coverage", "0.5"))
                .isZero();
    }

    @Test
    void anInconclusiveRoundIsFollowedByANewerOneThatDecides() {
        java.util.concurrent.atomic.AtomicInteger rounds = new java.util.concurrent.atomic.AtomicInteger();
        coordinator.nextRound = t -> rounds.incrementAndGet() == 1
                ? round("lab", "warming-up", t).inconclusive("frontend", "checkout", 7001, "allow").build()
                : round("lab", "r2", t).ok("frontend", "checkout", 7001).build();

        int code = run("gate", "--coordinator", coordinator.url(), "--poll-interval", "50ms", "--timeout", "20s");

        assertThat(code).isZero();
        assertThat(cli.out()).startsWith("PASS lab: round r2 proved lab");
    }

    @Test
    void anUnreachableCoordinatorIsExitTwoWithAClearMessageAndNoStackTrace() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }

        int code = run("gate", "--coordinator", "http://127.0.0.1:" + port, "--expectation", "lab");

        assertThat(code).isEqualTo(2);
        assertThat(cli.err()).isEqualTo("reachproof gate: INCONCLUSIVE lab: cannot reach the coordinator at"
                + " http://127.0.0.1:" + port + ": connection refused" + System.lineSeparator());
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void anUnknownExpectationIsExitTwoWithTheCoordinatorsError() {
        int code = run("gate", "--coordinator", coordinator.url() + "/", "--expectation", "shop");

        assertThat(code).isEqualTo(2);
        assertThat(cli.err()).isEqualTo("reachproof gate: INCONCLUSIVE shop: the coordinator at "
                + coordinator.url() + " answered HTTP 404: unknown expectation 'shop'; known: lab"
                + System.lineSeparator());
        assertThat(coordinator.triggers).isZero();
    }

    @Test
    void theTokenIsSentAsABearerToken() {
        coordinator.requiredToken = "t0ken";
        coordinator.nextRound = t -> round("lab", "r1", t).ok("frontend", "checkout", 7001).build();

        assertThat(run("gate", "--coordinator", coordinator.url(), "--poll-interval", "50ms")).isEqualTo(2);
        assertThat(cli.err()).endsWith("answered HTTP 401: a bearer token is required"
                + System.lineSeparator());
        assertThat(run("gate", "--coordinator", coordinator.url(), "--token", "t0ken", "--poll-interval", "50ms"))
                .isZero();
    }

    @Test
    void badFlagValuesAreUsageErrors() {
        assertThat(run("gate", "--coordinator", coordinator.url(), "--timeout", "soon")).isEqualTo(2);
        assertThat(cli.err()).contains("Invalid value for option '--timeout': 'soon' is not a positive duration like 500ms, 1s or 2m");
        assertThat(run("gate", "--coordinator", "ftp://x")).isEqualTo(2);
        assertThat(cli.err()).contains("--coordinator must be an http:// or https:// URL: ftp://x");
        assertThat(run("gate", "--coordinator", coordinator.url(), "--min-coverage", "1.5")).isEqualTo(2);
        assertThat(cli.err()).contains("--min-coverage must be from 0 to 1: 1.5");
        assertThat(coordinator.triggers).isZero();
    }

    @Test
    void theJUnitFileIsWellFormedXmlEvenWithMarkupInNames() throws Exception {
        coordinator.nextRound = t -> round("lab", "r<1>&", t).hole("frontend", "payments", 7001).build();
        Path junit = dir.resolve("gate.xml");

        run("gate", "--coordinator", coordinator.url(), "--junit", junit.toString(), "--poll-interval", "50ms");

        assertThat(Files.readString(junit)).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"");
        Document doc = parse(junit);
        assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("1");
    }
}
