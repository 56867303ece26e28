package io.reachproof.agent.probe;

import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.unix.Errors;
import io.reachproof.protocol.Outcome;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * Maps the exceptions sockets raise to probe outcomes, by exception type and, for the native transport,
 * by the Linux errno it carries (NIO reports some errnos only as message text, so messages are the last
 * resort). Anything not recognised is {@link Outcome#ERROR}: an unknown failure is never reported as a
 * denial.
 */
final class FailureClassifier {

    // Linux errno values (native epoll transport only runs on Linux).
    static final int ENETUNREACH = 101;
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;
    static final int EHOSTDOWN = 112;
    static final int EHOSTUNREACH = 113;

    private FailureClassifier() {
    }

    /** The outcome of a failure, with a short detail naming what the kernel said. */
    static AttemptResult classify(Throwable failure) {
        // Netty annotates connect failures with the address and keeps the native one as the cause.
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PortUnreachableException) {
                return AttemptResult.of(Outcome.REFUSED, "ICMP port unreachable");
            }
            if (t instanceof Errors.NativeIoException nativeFailure) {
                AttemptResult byErrno = byErrno(-nativeFailure.expectedErr());
                if (byErrno != null) {
                    return byErrno;
                }
            }
            if (t instanceof NoRouteToHostException) {
                return AttemptResult.of(Outcome.UNREACHABLE, "host or network unreachable");
            }
        }
        if (failure instanceof ConnectTimeoutException || failure instanceof SocketTimeoutException) {
            return AttemptResult.of(Outcome.TIMEOUT, "connect timed out");
        }
        if (failure instanceof UnknownHostException) {
            return AttemptResult.of(Outcome.ERROR, "cannot resolve host: " + failure.getMessage());
        }
        if (failure instanceof ClosedChannelException) {
            return AttemptResult.of(Outcome.ERROR, "channel closed locally");
        }
        // NIO reports some errnos only as text
        String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("connection refused")) {
            return byErrno(ECONNREFUSED);
        }
        if (message.contains("no route to host")) {
            return byErrno(EHOSTUNREACH);
        }
        if (message.contains("network is unreachable")) {
            return byErrno(ENETUNREACH);
        }
        if (message.contains("host is down")) {
            return byErrno(EHOSTDOWN);
        }
        return AttemptResult.of(Outcome.ERROR, describe(failure));
    }

    private static AttemptResult byErrno(int errno) {
        switch (errno) {
            case ECONNREFUSED:
                return AttemptResult.of(Outcome.REFUSED, "connection refused");
            case EHOSTUNREACH:
                return AttemptResult.of(Outcome.UNREACHABLE, "no route to host");
            case ENETUNREACH:
                return AttemptResult.of(Outcome.UNREACHABLE, "network is unreachable");
            case EHOSTDOWN:
                return AttemptResult.of(Outcome.UNREACHABLE, "host is down");
            case ETIMEDOUT:
                return AttemptResult.of(Outcome.TIMEOUT, "connect timed out");
            default:
                return null;
        }
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
