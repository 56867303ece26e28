package io.reachproof.agent.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.agent.Transport;
import io.reachproof.agent.probe.Prober;
import io.reachproof.agent.probe.SocketPlacement;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PodRef;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Probes that leave from pods' network namespaces, on real namespaces (a node with a bridge, pods with veths;
 * {@link LabNode}): one prober in this JVM enters several pods, each probe leaves with its source pod's address,
 * and nftables drops inside the source (egress) or destination (ingress) pod turn the probe into a TIMEOUT.
 */
class ProbeFromPodIT {

    private static LabNode node;
    private static String frontendIp;
    private static String checkoutIp;
    private static String paymentsIp;
    private static NetnsSockets sockets;
    private static Prober prober;

    @BeforeAll
    static void setUp() {
        node = LabNode.create();
        frontendIp = node.addPod("frontend", 2);
        checkoutIp = node.addPod("checkout", 3);
        paymentsIp = node.addPod("payments", 4);
        // payments drops what frontend sends it (an ingress policy); checkout may not send to payments (egress)
        node.rules("payments", "input", "ip saddr " + frontendIp + " tcp dport 8443 counter drop comment \"from-frontend\"",
                "tcp dport 8443 counter comment \"all\"");
        node.rules("checkout", "output", "ip daddr " + paymentsIp + " tcp dport 8443 counter drop comment \"to-payments\"");
        sockets = new NetnsSockets(Clock.systemUTC(), Duration.ofMinutes(5));
        PodNetworkNamespaces pods = pod -> {
            try {
                return Optional.of(NamedNetns.resolve(node.namespaceOf(pod.name())));
            } catch (NetnsUnavailable | NullPointerException e) {
                return Optional.empty();
            }
        };
        prober = new Prober("node-agent", 100, 1, Transport.detect(), Clock.systemUTC())
                .placeSocketsWith(SocketPlacement.fromSourcePod(pods, sockets));
    }

    @AfterAll
    static void tearDown() {
        if (prober != null) {
            prober.close();
        }
        if (sockets != null) {
            sockets.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private static PodRef pod(String name, String ip) {
        return new PodRef("shop", name, "uid-" + name, ip);
    }

    private static ProbeTask tcp(PodRef from, PodRef to, int port) {
        return new ProbeTask("t-" + from.name() + "-" + to.name(), Protocol.TCP, to.ip(), port, null, null, null, 1, 700,
                200, 299, from, to);
    }

    private static ProbeResult probe(ProbeTask task) throws Exception {
        return prober.probe(task, "round-1").get(10, TimeUnit.SECONDS);
    }

    /** A listener inside pod {@code name}'s namespace, made on a thread that entered it. */
    private static ServerSocket listenIn(String name, int port) throws Exception {
        try (NetnsThread inPod = NetnsThread.enter(NamedNetns.resolve(node.namespaceOf(name)))) {
            return inPod.make(() -> {
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress("0.0.0.0", port));
                return s;
            });
        }
    }

    @Test
    void aProbeLeavesWithItsSourcePodsAddressAndAnotherPodsProbeWithThatPodsAddress() throws Exception {
        try (ServerSocket listener = listenIn("payments", 9000)) {
            CompletableFuture<String> peer = CompletableFuture.supplyAsync(() -> {
                try (Socket accepted = listener.accept()) {
                    return ((InetSocketAddress) accepted.getRemoteSocketAddress()).getAddress().getHostAddress();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            ProbeResult fromFrontend = probe(tcp(pod("frontend", frontendIp), pod("payments", paymentsIp), 9000));

            assertThat(fromFrontend.outcome()).isEqualTo(Outcome.CONNECTED);
            assertThat(peer.get(5, TimeUnit.SECONDS)).as("the address the destination pod saw").isEqualTo(frontendIp);
            CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
                try (Socket accepted = listener.accept()) {
                    return ((InetSocketAddress) accepted.getRemoteSocketAddress()).getAddress().getHostAddress();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(probe(tcp(pod("checkout", checkoutIp), pod("payments", paymentsIp), 9000)).outcome())
                    .isEqualTo(Outcome.CONNECTED);
            assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(checkoutIp);
            assertThat(sockets.entered()).as("one thread per pod namespace entered").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void anIngressDropInTheDestinationPodAndAnEgressDropInTheSourcePodAreTimeouts() throws Exception {
        try (ServerSocket listener = listenIn("payments", 8443)) {
            long droppedBefore = node.counted("payments", "from-frontend");

            ProbeResult ingress = probe(tcp(pod("frontend", frontendIp), pod("payments", paymentsIp), 8443));
            ProbeResult egress = probe(tcp(pod("checkout", checkoutIp), pod("payments", paymentsIp), 8443));

            assertThat(ingress.outcome()).isEqualTo(Outcome.TIMEOUT);
            assertThat(node.counted("payments", "from-frontend")).as("the SYNs payments dropped, from frontend's address")
                    .isGreaterThan(droppedBefore);
            assertThat(egress.outcome()).isEqualTo(Outcome.TIMEOUT);
            assertThat(node.counted("checkout", "to-payments")).as("the SYNs checkout's own egress rule dropped")
                    .isPositive();
            assertThat(listener.isBound()).isTrue();
        }
    }

    @Test
    void aSourcePodWithoutANamespaceOnThisNodeIsAnErrorNotADeny() throws Exception {
        ProbeResult r = probe(tcp(pod("elsewhere", "10.214.255.9"), pod("payments", paymentsIp), 8443));

        assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(r.detail()).isEqualTo("source pod shop/elsewhere (uid-elsewhere) has no network namespace on this node");
    }

    @Test
    void aNamespaceThatCannotBeEnteredIsNamedInWords() {
        Path notANamespace = Path.of("/proc/self/status");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NetnsThread.enter(new NetnsRef(notANamespace, 0)))
                .isInstanceOf(NetnsUnavailable.class)
                .hasMessage("cannot enter network namespace /proc/self/status: invalid argument (not a network namespace)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NamedNetns.resolve("rp-no-such-namespace"))
                .isInstanceOf(NetnsUnavailable.class)
                .hasMessage("network namespace /run/netns/rp-no-such-namespace does not exist");
    }
}
