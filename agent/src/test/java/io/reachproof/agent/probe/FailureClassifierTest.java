package io.reachproof.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import io.reachproof.protocol.Outcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FailureClassifierTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("NIO refused", new ConnectException("Connection refused"), Outcome.REFUSED, "connection refused"),
                Arguments.of("ICMP port unreachable", new PortUnreachableException("recvmsg failed"), Outcome.REFUSED,
                        "ICMP port unreachable"),
                Arguments.of("no route", new NoRouteToHostException("No route to host"), Outcome.UNREACHABLE,
                        "host or network unreachable"),
                Arguments.of("NIO net unreachable", new SocketException("Network is unreachable"), Outcome.UNREACHABLE,
                        "network is unreachable"),
                Arguments.of("wrapped no route", new IOException("wrapper", new NoRouteToHostException()),
                        Outcome.UNREACHABLE, "host or network unreachable"),
                Arguments.of("kernel connect timeout", new ConnectTimeoutException("x"), Outcome.TIMEOUT, "connect timed out"),
                Arguments.of("too many open files", new IOException("Too many open files"), Outcome.ERROR,
                        "IOException: Too many open files"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void mapsFailuresToOutcomes(String name, Throwable failure, Outcome outcome, String detail) {
        AttemptResult r = FailureClassifier.classify(failure);

        assertThat(r.outcome()).isEqualTo(outcome);
        assertThat(r.detail()).isEqualTo(detail);
    }
}
