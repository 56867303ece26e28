package io.reachproof.agent.control;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How an agent talks to its coordinator.
 *
 * @param token the bearer token of the agent's cluster, or (with {@code tokenFile}) the token read from it at start
 * @param spoolDir where undelivered results wait
 * @param spoolMaxEntries results + self-checks the spool holds before it drops
 * @param retryBackoff wait between attempts while the coordinator is unreachable
 * @param requestTimeout deadline of one request (a plan poll waits this much longer than the coordinator's timeout)
 * @param tokenFile where the token is read from before every request (a projected service-account token, which the
 *     kubelet rotates); empty: {@code token} is used as given
 * @param tls for an {@code https://} coordinator: the CA to trust and the client certificate of mutual TLS
 */
public record ControlSettings(
        URI coordinator, String token, Path spoolDir, int spoolMaxEntries, Duration retryBackoff, Duration requestTimeout,
        Optional<Path> tokenFile, ClientTls tls) {

    public ControlSettings {
        requireNonNull(coordinator, "coordinator");
        requireNonNull(token, "token");
        requireNonNull(spoolDir, "spoolDir");
        requireNonNull(retryBackoff, "retryBackoff");
        requireNonNull(requestTimeout, "requestTimeout");
        requireNonNull(tokenFile, "tokenFile");
        requireNonNull(tls, "tls");
        if (!"http".equals(coordinator.getScheme()) && !"https".equals(coordinator.getScheme())) {
            throw new IllegalArgumentException("coordinator must be an http:// or https:// URL: " + coordinator);
        }
        if (token.isBlank()) {
            throw new IllegalArgumentException("token must not be blank");
        }
        if (spoolMaxEntries < 1) {
            throw new IllegalArgumentException("spoolMaxEntries must be at least 1: " + spoolMaxEntries);
        }
        if (retryBackoff.isNegative() || retryBackoff.isZero()) {
            throw new IllegalArgumentException("retryBackoff must be positive: " + retryBackoff);
        }
    }

    /** Settings with a token given once (the cluster's token). */
    public ControlSettings(
            URI coordinator, String token, Path spoolDir, int spoolMaxEntries, Duration retryBackoff,
            Duration requestTimeout) {
        this(coordinator, token, spoolDir, spoolMaxEntries, retryBackoff, requestTimeout, Optional.empty(),
                ClientTls.DEFAULT);
    }

    /**
     * The token to present now: read again from {@code tokenFile} when there is one (falling back to the last
     * one read when the file cannot be read for a moment), else {@code token}.
     */
    public Supplier<String> tokenSource() {
        if (tokenFile.isEmpty()) {
            return () -> token;
        }
        Path file = tokenFile.get();
        return new Supplier<>() {
            private volatile String last = token;

            @Override
            public String get() {
                try {
                    String read = Files.readString(file).strip();
                    if (!read.isEmpty()) {
                        last = read;
                    }
                } catch (IOException e) {
                    // the kubelet swaps the file atomically; keep the last token and let the coordinator judge it
                }
                return last;
            }
        };
    }

    public static ControlSettings of(URI coordinator, String token, Path spoolDir) {
        return new ControlSettings(coordinator, token, spoolDir, 100_000, Duration.ofSeconds(1), Duration.ofSeconds(10));
    }
}
