package io.reachproof.agent.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.reachproof.agent.Transport;
import io.reachproof.agent.probe.Prober;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Outcomes on real packets: the prober in the root namespace, the target in a namespace of its own whose
 * nftables rules drop, reset or answer with ICMP errors.
 */
class ProbeOutcomesIT {

    private static ProbeResult probe(Transport transport, String protocol, String host, int port, int attempts,
            long timeoutMillis) {
        try (Prober prober = new Prober("it-prober", 16, 1, transport, Clock.systemUTC())) {
            ProbeTask task = ProbeTask.of("t1", Protocol.valueOf(protocol), host, port, null, null, null, attempts, timeoutMillis);
            return prober.probe(task, null).orTimeout(30, TimeUnit.SECONDS).join();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void droppedTcpTimesOut(Transport transport) {
        try (NetnsTarget target = NetnsTarget.create("tcp dport 7101 counter drop comment \"drop\"")) {
            ProbeResult r = probe(transport, "TCP", target.address(), 7101, 2, 300);

            assertThat(r.outcome()).isEqualTo(Outcome.TIMEOUT);
            assertThat(r.attempts()).isEqualTo(2);
            assertThat(r.detail()).isEqualTo("no answer within 300 ms");
            assertThat(target.counted("drop")).isGreaterThanOrEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void tcpResetIsRefused(Transport transport) {
        try (NetnsTarget target = NetnsTarget.create("tcp dport 7102 counter reject with tcp reset comment \"rst\"")) {
            ProbeResult r = probe(transport, "TCP", target.address(), 7102, 3, 2000);

            assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(r.detail()).isEqualTo("connection refused");
            assertThat(target.counted("rst")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void tcpAnsweredWithIcmpHostUnreachableIsUnreachable(Transport transport) {
        try (NetnsTarget target = NetnsTarget.create(
                "tcp dport 7103 counter reject with icmpx type host-unreachable comment \"unreach\"")) {
            ProbeResult r = probe(transport, "TCP", target.address(), 7103, 3, 2000);

            assertThat(r.outcome()).isEqualTo(Outcome.UNREACHABLE);
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(r.detail()).isEqualTo("host or network unreachable");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void udpAnsweredWithIcmpPortUnreachableIsRefused(Transport transport) {
        try (NetnsTarget target = NetnsTarget.create("udp dport 7201 counter reject comment \"reject\"")) {
            ProbeResult r = probe(transport, "UDP", target.address(), 7201, 3, 2000);

            assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(r.detail()).isEqualTo("ICMP port unreachable");
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(target.counted("reject")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void udpToAPortNobodyListensOnIsRefusedByTheKernel(Transport transport) {
        try (NetnsTarget target = NetnsTarget.create()) {
            ProbeResult r = probe(transport, "UDP", target.address(), 7202, 3, 2000);

            assertThat(r.outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(r.detail()).isEqualTo("ICMP port unreachable");
        }
    }

    @Test
    void udpAnsweredWithIcmpHostUnreachableIsUnreachableOnEpoll() {
        assumeTrue(Transport.detect() == Transport.EPOLL, "needs the native epoll transport (IP_RECVERR)");
        try (NetnsTarget target = NetnsTarget.create(
                "udp dport 7203 counter reject with icmpx type host-unreachable comment \"unreach\"")) {
            ProbeResult r = probe(Transport.EPOLL, "UDP", target.address(), 7203, 3, 2000);

            assertThat(r.outcome()).isEqualTo(Outcome.UNREACHABLE);
            assertThat(r.detail()).isEqualTo("no route to host");
            assertThat(r.attempts()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void droppedUdpTimesOutOnlyAfterEveryAttempt(Transport transport) {
        try (NetnsTarget target = NetnsTarget.create("udp dport 7204 counter drop comment \"drop\"")) {
            ProbeResult r = probe(transport, "UDP", target.address(), 7204, 3, 200);

            assertThat(r.outcome()).isEqualTo(Outcome.TIMEOUT);
            assertThat(r.attempts()).isEqualTo(3);
            assertThat(r.detail()).isEqualTo("no echo to 3 datagrams within 200 ms each");
            assertThat(r.latencyMicros()).isGreaterThanOrEqualTo(600_000);
            assertThat(target.counted("drop")).isEqualTo(3);
        }
    }
}
