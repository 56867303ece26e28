package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the coordinator's HTTP server listens.
 *
 * @param maxBodyBytes larger request bodies are answered 413
 * @param idleTimeout a connection silent this long is closed (longer than any long poll)
 */
public record ApiServerSettings(String bindAddress, int port, int maxBodyBytes, Duration idleTimeout) {

    public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

    public ApiServerSettings {
        requireNonNull(bindAddress, "bindAddress");
        requireNonNull(idleTimeout, "idleTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535: " + port);
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
    }

    public static ApiServerSettings loopback(int port) {
        return new ApiServerSettings("127.0.0.1", port, DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(90));
    }

    public ApiServerSettings withMaxBodyBytes(int bytes) {
        return new ApiServerSettings(bindAddress, port, bytes, idleTimeout);
    }
}
