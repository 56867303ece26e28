package io.reachproof.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.agent.LoopbackAddresses;
import io.reachproof.agent.Transport;
import io.reachproof.agent.responder.ResponderSet;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Responder;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every outcome loopback can produce, through real sockets, on both transports. */
class ProberLoopbackTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final List<Responder> RESPONDERS =
            List.of(new Responder(7001, "TCP"), new Responder(7002, "UDP"), new Responder(7003, "HTTP"));

    private final String agentAddress = LoopbackAddresses.next();
    private final String otherAddress = LoopbackAddresses.next();
    private final String closedAddress = LoopbackAddresses.next();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private ResponderSet agent;

    @BeforeEach
    void startAgents() {
        // the responders run on both transports too: the agent on the best one, the imposter on NIO
        agent = ResponderSet.start(identity("lab/shop/frontend-0"), agentAddress, Transport.detect());
        closeables.add(agent);
        closeables.add(ResponderSet.start(identity("lab/shop/imposter"), otherAddress, Transport.NIO));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private static AgentIdentity identity(String id) {
        return new AgentIdentity(id, "aws-lab", "aws", "us-east-1", "node-1", "shop", "pod", List.of(), null, null,
                RESPONDERS, null);
    }

    private Prober prober(Transport transport) {
        Prober prober = new Prober("prober-1", 64, 1, transport, CLOCK);
        closeables.add(0, prober);
        return prober;
    }

    private static ProbeTask task(String protocol, String host, int port, String expectedId) {
        return ProbeTask.of("t1", Protocol.valueOf(protocol), host, port, "HTTP".equals(protocol) ? "/reachproof/identity" : null,
                "HTTP".equals(protocol) ? "GET" : null, expectedId, 1, 1000);
    }

    private static ProbeResult run(Prober prober, ProbeTask task) {
        return prober.probe(task, "round-7").orTimeout(10, TimeUnit.SECONDS).join();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void tcpProbeToAgentReadsItsBannerAndConnects(Transport transport) {
        ProbeResult r = run(prober(transport), task("TCP", agentAddress, 7001, "lab/shop/frontend-0"));

        assertThat(r.outcome()).isEqualTo(Outcome.CONNECTED);
        assertThat(r.peerId()).isEqualTo("lab/shop/frontend-0");
        assertThat(r.detail()).isEqualTo("identity banner");
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.taskId()).isEqualTo("t1");
        assertThat(r.roundId()).isEqualTo("round-7");
        assertThat(r.agentId()).isEqualTo("prober-1");
        assertThat(r.atEpochMillis()).isEqualTo(CLOCK.millis());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void tcpProbeAnsweredBySecondAgentIsWrongPeer(Transport transport) {
        ProbeResult r = run(prober(transport), task("TCP", otherAddress, 7001, "lab/shop/frontend-0"));

        assertThat(r.outcome()).isEqualTo(Outcome.WRONG_PEER);
        assertThat(r.peerId()).isEqualTo("lab/shop/imposter");
        assertThat(r.detail()).isEqualTo("answered by lab/shop/imposter");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void tcpProbeToClosedPortIsRefused(Transport transport) {
        ProbeResult r = run(prober(transport), task("TCP", closedAddress, 7001, null));

        assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(r.detail()).isEqualTo("connection refused");
        assertThat(r.attempts()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void probesLeaveFromTheAddressGivenAndOtherwiseFromTheKernelsChoice(Transport transport) throws Exception {
        String source = LoopbackAddresses.next();
        try (ServerSocket tcp = new ServerSocket(0, 50, InetAddress.getByName(closedAddress));
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(closedAddress, 0))) {
            udp.setSoTimeout(5000);
            Prober from = prober(transport).leaveFrom(InetAddress.getByName(source));
            tcp.setSoTimeout(5000);

            CompletableFuture<ProbeResult> connected = from.probe(task("TCP", closedAddress, tcp.getLocalPort(), null), "r");
            try (var accepted = tcp.accept()) {
                assertThat(accepted.getInetAddress().getHostAddress()).isEqualTo(source);
            }
            assertThat(connected.orTimeout(10, TimeUnit.SECONDS).join().outcome()).isEqualTo(Outcome.CONNECTED);

            from.probe(ProbeTask.of("t2", Protocol.UDP, closedAddress, udp.getLocalPort(), null, null, null, 1, 500), "r");
            DatagramPacket datagram = new DatagramPacket(new byte[512], 512);
            udp.receive(datagram);
            assertThat(datagram.getAddress().getHostAddress()).isEqualTo(source);

            prober(transport).probe(task("TCP", closedAddress, tcp.getLocalPort(), null), "r");
            try (var accepted = tcp.accept()) {
                assertThat(accepted.getInetAddress().getHostAddress()).isNotEqualTo(source);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void tcpProbeToPlainServerConnectsWhenNoAgentIsExpected(Transport transport) throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName(closedAddress))) {
            ProbeResult r = run(prober(transport), task("TCP", closedAddress, silent.getLocalPort(), null));

            assertThat(r.outcome()).isEqualTo(Outcome.CONNECTED);
            assertThat(r.peerId()).isNull();
            assertThat(r.detail()).isEqualTo("TCP handshake completed");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void tcpProbeToSilentServerIsWrongPeerWhenAnAgentIsExpected(Transport transport) throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName(closedAddress))) {
            ProbeTask task = ProbeTask.of("t1", Protocol.TCP, closedAddress, silent.getLocalPort(), null, null,
                    "lab/shop/frontend-0", 1, 200);
            ProbeResult r = run(prober(transport), task);

            assertThat(r.outcome()).isEqualTo(Outcome.WRONG_PEER);
            assertThat(r.detail()).isEqualTo("connected, but no identity banner within 200 ms");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void udpProbeToAgentGetsTheNonceEchoedWithItsIdentity(Transport transport) {
        ProbeResult r = run(prober(transport), task("UDP", agentAddress, 7002, "lab/shop/frontend-0"));

        assertThat(r.outcome()).isEqualTo(Outcome.CONNECTED);
        assertThat(r.peerId()).isEqualTo("lab/shop/frontend-0");
        assertThat(r.detail()).isEqualTo("echo of the nonce");
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(agent.udpAnswered()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void udpProbeAnsweredBySecondAgentIsWrongPeer(Transport transport) {
        ProbeResult r = run(prober(transport), task("UDP", otherAddress, 7002, "lab/shop/frontend-0"));

        assertThat(r.outcome()).isEqualTo(Outcome.WRONG_PEER);
        assertThat(r.peerId()).isEqualTo("lab/shop/imposter");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void udpProbeToClosedPortIsRefusedByIcmpPortUnreachable(Transport transport) {
        ProbeTask task = ProbeTask.of("t1", Protocol.UDP, closedAddress, 7002, null, null, null, 3, 1000);
        ProbeResult r = run(prober(transport), task);

        assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(r.detail()).isEqualTo("ICMP port unreachable");
        assertThat(r.attempts()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void udpProbeToSilentSocketTimesOutOnlyAfterAllAttempts(Transport transport) throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(closedAddress, 0))) {
            ProbeTask task = ProbeTask.of("t1", Protocol.UDP, closedAddress, silent.getLocalPort(), null, null,
                    "lab/shop/frontend-0", 3, 100);
            ProbeResult r = run(prober(transport), task);

            assertThat(r.outcome()).isEqualTo(Outcome.TIMEOUT);
            assertThat(r.attempts()).isEqualTo(3);
            assertThat(r.detail()).isEqualTo("no echo to 3 datagrams within 100 ms each");
            assertThat(r.latencyMicros()).isGreaterThanOrEqualTo(300_000);
            silent.setSoTimeout(1000);
            Set<Integer> sizes = new java.util.HashSet<>();
            for (int i = 0; i < 3; i++) {
                DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                silent.receive(p);
                sizes.add(p.getLength());
            }
            assertThat(sizes).containsExactly(512);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void httpProbeToIdentityPathConnectsWithTheAgentsIdentity(Transport transport) {
        ProbeResult r = run(prober(transport), task("HTTP", agentAddress, 7003, "lab/shop/frontend-0"));

        assertThat(r.outcome()).isEqualTo(Outcome.CONNECTED);
        assertThat(r.peerId()).isEqualTo("lab/shop/frontend-0");
        assertThat(r.detail()).isEqualTo("HTTP 200");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void httpProbeWithUnexpectedStatusIsRefused(Transport transport) {
        ProbeTask task = ProbeTask.of("t1", Protocol.HTTP, agentAddress, 7003, "/healthz", "GET", "lab/shop/frontend-0",
                1, 1000);
        ProbeResult r = run(prober(transport), task);

        assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(r.peerId()).isEqualTo("lab/shop/frontend-0");
        assertThat(r.detail()).isEqualTo("HTTP 404, expected 200..299");
    }

    @Test
    void httpProbeAcceptsTheStatusRangeItIsGiven() {
        ProbeTask task = new ProbeTask("t1", Protocol.HTTP, agentAddress, 7003, "/healthz", "GET", null, 1, 1000, 404, 404);
        ProbeResult r = run(prober(Transport.detect()), task);

        assertThat(r.outcome()).isEqualTo(Outcome.CONNECTED);
        assertThat(r.detail()).isEqualTo("HTTP 404");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void httpProbeAnsweredBySecondAgentIsWrongPeer(Transport transport) {
        ProbeResult r = run(prober(transport), task("HTTP", otherAddress, 7003, "lab/shop/frontend-0"));

        assertThat(r.outcome()).isEqualTo(Outcome.WRONG_PEER);
        assertThat(r.peerId()).isEqualTo("lab/shop/imposter");
        assertThat(r.detail()).isEqualTo("HTTP 200 answered by lab/shop/imposter");
    }

    @Test
    void httpProbeToATcpBannerIsWrongPeer() {
        ProbeResult r = run(prober(Transport.detect()), task("HTTP", agentAddress, 7001, "lab/shop/frontend-0"));

        assertThat(r.outcome()).isEqualTo(Outcome.WRONG_PEER);
        assertThat(r.detail()).startsWith("not an HTTP response");
    }

    @Test
    void httpProbeToClosedPortIsRefused() {
        ProbeResult r = run(prober(Transport.detect()), task("HTTP", closedAddress, 7003, null));

        assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(r.detail()).isEqualTo("connection refused");
    }

    @Test
    void unsupportedProtocolIsALocalError() {
        ProbeResult r = run(prober(Transport.detect()), task("SCTP", agentAddress, 7001, null));

        assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(r.detail()).isEqualTo("protocol SCTP is not probed by this agent");
        assertThat(r.attempts()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void udpProbeOverIpv6GetsItsEchoAndItsRefusal(Transport transport) throws Exception {
        int closedPort;
        try (DatagramSocket probeForFreePort = new DatagramSocket(new InetSocketAddress("::1", 0))) {
            closedPort = probeForFreePort.getLocalPort();
        }
        try (DatagramSocket echo = new DatagramSocket(new InetSocketAddress("::1", 0))) {
            Prober prober = prober(transport);
            CompletableFuture<ProbeResult> answered = prober.probe(task("UDP", "::1", echo.getLocalPort(), null), null);
            DatagramPacket request = new DatagramPacket(new byte[1024], 1024);
            echo.setSoTimeout(5000);
            echo.receive(request);
            echo.send(new DatagramPacket(new byte[] {1}, 1, request.getSocketAddress()));

            assertThat(answered.orTimeout(10, TimeUnit.SECONDS).join().outcome()).isEqualTo(Outcome.CONNECTED);
            ProbeResult refused = run(prober, task("UDP", "::1", closedPort, null));
            assertThat(refused.outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(refused.detail()).isEqualTo("ICMP port unreachable");
        }
    }

    @Test
    void badHttpMethodOrPathIsALocalErrorNotAnObservation() {
        Prober prober = prober(Transport.detect());
        ProbeResult badMethod = run(prober, ProbeTask.of("t1", Protocol.HTTP, agentAddress, 7003, "/", "get it", null, 1, 1000));
        ProbeResult badPath = run(prober, ProbeTask.of("t1", Protocol.HTTP, agentAddress, 7003, "healthz", "GET", null, 1, 1000));

        assertThat(badMethod.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(badMethod.detail()).isEqualTo("bad HTTP method: 'get it'");
        assertThat(badPath.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(badPath.detail()).isEqualTo("HTTP path must start with '/': 'healthz'");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void thousandsOfProbesRunUnderTheConcurrencyLimit(Transport transport) {
        Prober prober = new Prober("prober-1", 50, 2, transport, CLOCK);
        closeables.add(0, prober);
        List<CompletableFuture<ProbeResult>> results = new ArrayList<>();
        int maxInFlight = 0;
        for (int i = 0; i < 3000; i++) {
            String protocol = List.of("TCP", "UDP", "HTTP").get(i % 3);
            ProbeTask t = task(protocol, agentAddress, 7001 + i % 3, "lab/shop/frontend-0");
            results.add(prober.probe(ProbeTask.of(protocol + i, Protocol.valueOf(protocol), t.host(), t.port(), t.path(), t.method(),
                    t.expectedAgentId(), 1, 5000), null)); // generous: a cold JVM on a shared 2-core machine
            maxInFlight = Math.max(maxInFlight, prober.inFlight());
        }
        CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).orTimeout(60, TimeUnit.SECONDS).join();

        assertThat(results.stream().map(f -> f.join()).filter(r -> r.outcome() != Outcome.CONNECTED)
                .map(r -> r.taskId() + " " + r.outcome() + " " + r.detail()).collect(Collectors.toList())).isEmpty();
        assertThat(maxInFlight).isLessThanOrEqualTo(50);
        assertThat(prober.inFlight()).isZero();
        assertThat(prober.queued()).isZero();
    }

    @Test
    void selfCheckProbesEveryResponderThroughItsSocket() {
        Prober prober = prober(Transport.detect());

        var check = agent.selfCheck(prober).orTimeout(10, TimeUnit.SECONDS).join();

        assertThat(check.allAnswered()).isTrue();
        assertThat(check.results()).containsOnlyKeys(RESPONDERS);
        assertThat(check.results().values()).allSatisfy(r -> assertThat(r.peerId()).isEqualTo("lab/shop/frontend-0"));
    }

    @Test
    void selfCheckReportsAResponderThatDoesNotAnswer() {
        AgentIdentity claimsMore = new AgentIdentity("lab/shop/frontend-0", "aws-lab", "aws", null, null, null, null,
                null, null, null, List.of(new Responder(7001, "TCP")), null);
        ResponderSet partial = ResponderSet.start(claimsMore, closedAddress, Transport.detect());
        closeables.add(partial);
        partial.close();

        var check = partial.selfCheck(prober(Transport.detect())).orTimeout(10, TimeUnit.SECONDS).join();

        assertThat(check.allAnswered()).isFalse();
        assertThat(check.results().get(new Responder(7001, "TCP")).outcome()).isEqualTo(Outcome.REFUSED);
    }

    @Test
    void closingTheProberEndsWaitingProbesWithAnError() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(closedAddress, 0))) {
            Prober prober = new Prober("prober-1", 1, 1, Transport.detect(), CLOCK);
            ProbeTask slow = ProbeTask.of("t1", Protocol.UDP, closedAddress, silent.getLocalPort(), null, null, null, 1, 60_000);
            CompletableFuture<ProbeResult> running = prober.probe(slow, null);
            CompletableFuture<ProbeResult> waiting = prober.probe(slow, null);

            prober.close();

            assertThat(running.orTimeout(5, TimeUnit.SECONDS).join().detail()).isEqualTo("prober closed");
            assertThat(waiting.orTimeout(5, TimeUnit.SECONDS).join().outcome()).isEqualTo(Outcome.ERROR);
            assertThat(prober.probe(slow, null).join().detail()).isEqualTo("prober closed");
        }
    }
}
