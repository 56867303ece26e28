package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * How the coordinator's HTTP server listens, and the limits it holds every client to.
 *
 * @param maxBodyBytes larger request bodies are answered 413
 * @param idleTimeout a connection silent this long is closed (longer than any long poll)
 * @param maxInFlightBodyBytes the bytes all request bodies being received or handled may hold together; a body
 *     that would pass it is answered 503 with {@code Retry-After}
 * @param requestDeadline a request not fully received this long after its first byte is answered 408 and its
 *     connection closed
 * @param tls TLS (and, with a client CA, mutual TLS) on the API; empty: plain HTTP
 */
public record ApiServerSettings(String bindAddress, int port, int maxBodyBytes, Duration idleTimeout,
        long maxInFlightBodyBytes, Duration requestDeadline, Optional<ServerTls> tls) {

    public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
    public static final long DEFAULT_MAX_IN_FLIGHT_BODY_BYTES = 64L * 1024 * 1024;
    public static final Duration DEFAULT_REQUEST_DEADLINE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(90);

    public ApiServerSettings {
        requireNonNull(bindAddress, "bindAddress");
        requireNonNull(idleTimeout, "idleTimeout");
        requireNonNull(requestDeadline, "requestDeadline");
        requireNonNull(tls, "tls");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535: " + port);
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
        if (maxInFlightBodyBytes < maxBodyBytes) {
            throw new IllegalArgumentException("maxInFlightBodyBytes must be at least maxBodyBytes (" + maxBodyBytes
                    + "): " + maxInFlightBodyBytes);
        }
        if (requestDeadline.isNegative() || requestDeadline.isZero()) {
            throw new IllegalArgumentException("requestDeadline must be positive: " + requestDeadline);
        }
    }

    /** Plain HTTP. */
    public ApiServerSettings(String bindAddress, int port, int maxBodyBytes, Duration idleTimeout,
            long maxInFlightBodyBytes, Duration requestDeadline) {
        this(bindAddress, port, maxBodyBytes, idleTimeout, maxInFlightBodyBytes, requestDeadline, Optional.empty());
    }

    /** The default limits. */
    public ApiServerSettings(String bindAddress, int port, int maxBodyBytes, Duration idleTimeout) {
        this(bindAddress, port, maxBodyBytes, idleTimeout,
                Math.max(DEFAULT_MAX_IN_FLIGHT_BODY_BYTES, maxBodyBytes), DEFAULT_REQUEST_DEADLINE);
    }

    public static ApiServerSettings loopback(int port) {
        return new ApiServerSettings("127.0.0.1", port, DEFAULT_MAX_BODY_BYTES, DEFAULT_IDLE_TIMEOUT);
    }

    public ApiServerSettings withMaxBodyBytes(int bytes) {
        return new ApiServerSettings(bindAddress, port, bytes, idleTimeout, Math.max(maxInFlightBodyBytes, bytes),
                requestDeadline, tls);
    }

    public ApiServerSettings withMaxInFlightBodyBytes(long bytes) {
        return new ApiServerSettings(bindAddress, port, maxBodyBytes, idleTimeout, bytes, requestDeadline, tls);
    }

    public ApiServerSettings withRequestDeadline(Duration deadline) {
        return new ApiServerSettings(bindAddress, port, maxBodyBytes, idleTimeout, maxInFlightBodyBytes, deadline, tls);
    }

    public ApiServerSettings withTls(Optional<ServerTls> value) {
        return new ApiServerSettings(bindAddress, port, maxBodyBytes, idleTimeout, maxInFlightBodyBytes, requestDeadline,
                value);
    }
}
