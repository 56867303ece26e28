package io.reachproof.agent.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.reachproof.agent.Transport;
import io.reachproof.agent.control.TargetPreparer;
import io.reachproof.agent.probe.Prober;
import io.reachproof.agent.probe.SocketPlacement;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PodListener;
import io.reachproof.protocol.PodRef;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Responder;
import io.reachproof.protocol.TargetAnswer;
import io.reachproof.protocol.TargetReadiness;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The destination side of workload mode on real namespaces ({@link LabNode}): a free port of a pod gets a borrowed
 * listener that answers with the pod's identity, a port the pod's app serves is probed as the app, and a port
 * that does not answer its own check from inside the pod is NONE (inconclusive), never a deny.
 */
class TargetPreparerIT {

    private static LabNode node;
    private static PodRef frontend;
    private static PodRef checkout;
    private static NetnsSockets sockets;
    private static Prober prober;
    private static EventLoopGroup group;
    private static TargetPreparer preparer;

    @BeforeAll
    static void setUp() {
        node = LabNode.create();
        frontend = new PodRef("shop", "frontend", "uid-fe", node.addPod("frontend", 2));
        checkout = new PodRef("shop", "checkout", "uid-co", node.addPod("checkout", 3));
        // a firewall inside checkout that refuses even checkout itself on 7070-7072
        node.rules("checkout", "input", "tcp dport 7070-7072 drop");
        sockets = new NetnsSockets(Clock.systemUTC(), Duration.ofMinutes(5));
        PodNetworkNamespaces pods = pod -> {
            String ns = node.namespaceOf(pod.name());
            try {
                return ns == null ? Optional.empty() : Optional.of(NamedNetns.resolve(ns));
            } catch (NetnsUnavailable e) {
                return Optional.empty();
            }
        };
        Transport transport = Transport.detect();
        prober = new Prober("node-agent", 100, 1, transport, Clock.systemUTC())
                .placeSocketsWith(SocketPlacement.fromSourcePod(pods, sockets));
        group = transport.newEventLoopGroup(1, "borrowed");
        preparer = new TargetPreparer("node-agent", pods, sockets, prober, group, transport, Clock.systemUTC());
    }

    @AfterAll
    static void tearDown() {
        if (preparer != null) {
            preparer.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            prober.close();
            sockets.close();
        }
        if (node != null) {
            node.close();
        }
    }

    /** A round deadline no test reaches. */
    private static long later() {
        return System.currentTimeMillis() + 60_000;
    }

    private static ProbeResult probeFromFrontend(Protocol protocol, int port, String expectedPeer) throws Exception {
        return prober.probe(new ProbeTask("t-" + port, protocol, checkout.ip(), port,
                protocol == Protocol.HTTP ? "/reachproof/identity" : null, protocol == Protocol.HTTP ? "GET" : null,
                expectedPeer, 2, 700, 200, 299, frontend, checkout), "round-1").get(10, TimeUnit.SECONDS);
    }

    @Test
    void aFreePortIsBorrowedAndAnswersWithThePodsIdentityUntilTheRoundIsReleased() throws Exception {
        List<TargetReadiness> ready = preparer.prepare("round-1", later(), List.of(
                new PodListener(checkout, new Responder(8080, "TCP"), null),
                new PodListener(checkout, new Responder(8081, "HTTP"), "/reachproof/identity"),
                new PodListener(checkout, new Responder(8082, "UDP"), null)));

        assertThat(ready).extracting(TargetReadiness::answer)
                .containsExactly(TargetAnswer.BORROWED, TargetAnswer.BORROWED, TargetAnswer.BORROWED);
        ProbeResult tcp = probeFromFrontend(Protocol.TCP, 8080, "pod:shop/checkout");
        assertThat(tcp.outcome()).isEqualTo(Outcome.CONNECTED);
        assertThat(tcp.peerId()).isEqualTo("pod:shop/checkout");
        assertThat(probeFromFrontend(Protocol.HTTP, 8081, "pod:shop/checkout").peerId()).isEqualTo("pod:shop/checkout");
        assertThat(probeFromFrontend(Protocol.UDP, 8082, "pod:shop/checkout").outcome()).isEqualTo(Outcome.CONNECTED);
        assertThat(probeFromFrontend(Protocol.TCP, 8080, "pod:shop/payments").outcome())
                .as("another pod's identity expected").isEqualTo(Outcome.WRONG_PEER);

        preparer.release("round-1");

        assertThat(preparer.borrowed()).isZero();
        assertThat(probeFromFrontend(Protocol.TCP, 8080, null).outcome()).isEqualTo(Outcome.REFUSED);
    }

    @Test
    void borrowedListenersAreGivenBackByThemselvesWhenTheRoundsDeadlinePasses() throws Exception {
        List<TargetReadiness> ready = preparer.prepare("round-4", System.currentTimeMillis() + 1_500,
                List.of(new PodListener(checkout, new Responder(8090, "TCP"), null)));

        assertThat(ready).extracting(TargetReadiness::answer).containsExactly(TargetAnswer.BORROWED);
        assertThat(probeFromFrontend(Protocol.TCP, 8090, "pod:shop/checkout").outcome()).isEqualTo(Outcome.CONNECTED);
        // nobody calls release: the deadline alone gives the port back
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(preparer.borrowed()).isZero();
            assertThat(probeFromFrontend(Protocol.TCP, 8090, null).outcome()).isEqualTo(Outcome.REFUSED);
        });
    }

    @Test
    void portsThatDoNotAnswerAreCheckedAtOnceNotOneAfterTheOther() throws Exception {
        long start = System.nanoTime();

        List<TargetReadiness> ready = preparer.prepare("round-5", later(), List.of(
                new PodListener(checkout, new Responder(7070, "TCP"), null),
                new PodListener(checkout, new Responder(7071, "TCP"), null),
                new PodListener(checkout, new Responder(7072, "HTTP"), null),
                new PodListener(frontend, new Responder(7073, "TCP"), null)));

        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(ready).extracting(TargetReadiness::answer)
                .containsExactly(TargetAnswer.NONE, TargetAnswer.NONE, TargetAnswer.NONE, TargetAnswer.BORROWED);
        // a failing check takes two attempts of CHECK_TIMEOUT (1 s): three after another would take 6 s
        assertThat(tookMillis).as("milliseconds for all checks").isLessThan(3_500);
        preparer.release("round-5");
    }

    @Test
    void aPortThePodsAppServesIsTheAppsAndIsProbedAsTheApp() throws Exception {
        ServerSocket app;
        try (NetnsThread inPod = NetnsThread.enter(NamedNetns.resolve(node.namespaceOf("checkout")))) {
            app = inPod.make(() -> {
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress("0.0.0.0", 9090));
                return s;
            });
        }
        try (app) {
            List<TargetReadiness> ready = preparer.prepare("round-2", later(),
                    List.of(new PodListener(checkout, new Responder(9090, "TCP"), null)));

            assertThat(ready).singleElement().satisfies(r -> {
                assertThat(r.answer()).isEqualTo(TargetAnswer.APP);
                assertThat(r.detail()).isEqualTo("served by the pod's app");
            });
            assertThat(preparer.borrowed()).isZero();
            assertThat(probeFromFrontend(Protocol.TCP, 9090, null).outcome()).isEqualTo(Outcome.CONNECTED);
        }
    }

    @Test
    void aPortThePodDeclaresIsNeverBorrowedSoAnAppStartingLaterCanBindIt() throws Exception {
        List<TargetReadiness> ready = preparer.prepare("round-6", later(), List.of(
                new PodListener(checkout, new Responder(9191, "TCP"), null, true),
                new PodListener(checkout, new Responder(9192, "UDP"), null, true)));

        assertThat(ready).extracting(TargetReadiness::answer).containsExactly(TargetAnswer.NONE, TargetAnswer.NONE);
        assertThat(ready.get(0).detail()).startsWith("the port did not answer its check from inside the pod: REFUSED")
                .endsWith("the pod declares it, so it is left to the app (not borrowed)");
        assertThat(ready.get(1).detail()).startsWith("UDP 9192 is the app's and did not answer its check from inside the pod");
        assertThat(preparer.borrowed()).isZero();
        // the app starts during the round: its port is free
        try (NetnsThread inPod = NetnsThread.enter(NamedNetns.resolve(node.namespaceOf("checkout")));
                ServerSocket app = inPod.make(() -> {
                    ServerSocket s = new ServerSocket();
                    s.bind(new InetSocketAddress("0.0.0.0", 9191));
                    return s;
                })) {
            assertThat(app.isBound()).isTrue();
            List<TargetReadiness> next = preparer.prepare("round-7", later(),
                    List.of(new PodListener(checkout, new Responder(9191, "TCP"), null, true)));
            assertThat(next).extracting(TargetReadiness::answer).containsExactly(TargetAnswer.APP);
        }
        preparer.release("round-6");
        preparer.release("round-7");
    }

    @Test
    void anAppsUdpPortIsProbedAsTheAppOnlyWhenTheAppAnswersADatagram() throws Exception {
        java.net.DatagramSocket app;
        try (NetnsThread inPod = NetnsThread.enter(NamedNetns.resolve(node.namespaceOf("checkout")))) {
            app = inPod.make(() -> new java.net.DatagramSocket(new InetSocketAddress("0.0.0.0", 9193)));
        }
        Thread echo = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (!app.isClosed()) {
                try {
                    java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
                    app.receive(p);
                    app.send(new java.net.DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                } catch (java.io.IOException closed) {
                    return;
                }
            }
        }, "udp-echo-app");
        echo.start();
        try (app) {
            List<TargetReadiness> ready = preparer.prepare("round-8", later(),
                    List.of(new PodListener(checkout, new Responder(9193, "UDP"), null, true)));

            assertThat(ready).extracting(TargetReadiness::answer).containsExactly(TargetAnswer.APP);
            assertThat(probeFromFrontend(Protocol.UDP, 9193, null).outcome()).isEqualTo(Outcome.CONNECTED);
        }
        echo.join(5_000);
        preparer.release("round-8");
    }

    @Test
    void aPortThatDoesNotAnswerItsOwnCheckOrAPodNotOnTheNodeIsNone() throws Exception {
        List<TargetReadiness> ready = preparer.prepare("round-3", later(), List.of(
                new PodListener(checkout, new Responder(7070, "TCP"), null),
                new PodListener(new PodRef("shop", "elsewhere", "uid-x", "10.214.255.9"), new Responder(80, "TCP"), null)));

        assertThat(ready.get(0).answer()).isEqualTo(TargetAnswer.NONE);
        assertThat(ready.get(0).detail()).startsWith("the port did not answer its check from inside the pod: TIMEOUT");
        assertThat(ready.get(1).answer()).isEqualTo(TargetAnswer.NONE);
        assertThat(ready.get(1).detail()).isEqualTo("pod shop/elsewhere (uid-x) has no network namespace on this node");
        preparer.release("round-3");
    }
}
