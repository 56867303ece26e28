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
    static final int ECONNRESET = 104;
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;
    static final int EHOSTDOWN = 112;
    static final int EHOSTUNREACH = 113;

    private FailureClassifier() {
    }

    /** The outcome of a failure, with a short detail naming what the kernel said. */
    static AttemptResult classify(Throwable failure) {
        String detail = describe(failure);
        // Netty annotates connect failures with the address and keeps the native one as the cause.
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PortUnreachableException) {
                return AttemptResult.of(Outcome.REFUSED, "ICMP port unreachable");
            }
            if (t instanceof Errors.NativeIoException nativeFailure) {
                Outcome byErrno = byErrno(-nativeFailure.expectedErr());
                if (byErrno != null) {
                    return AttemptResult.of(byErrno, detail);
                }
            }
            if (t instanceof NoRouteToHostException) {
                return AttemptResult.of(Outcome.UNREACHABLE, detail);
            }
        }
        if (failure instanceof ConnectTimeoutException || failure instanceof SocketTimeoutException) {
            return AttemptResult.of(Outcome.TIMEOUT, detail);
        }
        if (failure instanceof UnknownHostException) {
            return AttemptResult.of(Outcome.ERROR, "cannot resolve host: " + failure.getMessage());
        }
        if (failure instanceof ClosedChannelException) {
            return AttemptResult.of(Outcome.ERROR, "channel closed locally");
        }
        String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("connection refused")) {
            return AttemptResult.of(Outcome.REFUSED, detail);
        }
        if (message.contains("no route to host") || message.contains("network is unreachable")
                || message.contains("host is unreachable") || message.contains("host is down")) {
            return AttemptResult.of(Outcome.UNREACHABLE, detail);
        }
        return AttemptResult.of(Outcome.ERROR, detail);
    }

    private static Outcome byErrno(int errno) {
        switch (errno) {
            case ECONNREFUSED:
                return Outcome.REFUSED;
            case EHOSTUNREACH:
            case ENETUNREACH:
            case EHOSTDOWN:
                return Outcome.UNREACHABLE;
            case ETIMEDOUT:
                return Outcome.TIMEOUT;
            default:
                return null;
        }
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
