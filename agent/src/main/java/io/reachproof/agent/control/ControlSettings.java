package io.reachproof.agent.control;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How an agent talks to its coordinator.
 *
 * @param token the bearer token of the agent's cluster
 * @param spoolDir where undelivered results wait
 * @param spoolMaxEntries results + self-checks the spool holds before it drops
 * @param retryBackoff wait between attempts while the coordinator is unreachable
 * @param requestTimeout deadline of one request (a plan poll waits this much longer than the coordinator's timeout)
 */
public record ControlSettings(
        URI coordinator, String token, Path spoolDir, int spoolMaxEntries, Duration retryBackoff, Duration requestTimeout) {

    public ControlSettings {
        requireNonNull(coordinator, "coordinator");
        requireNonNull(token, "token");
        requireNonNull(spoolDir, "spoolDir");
        requireNonNull(retryBackoff, "retryBackoff");
        requireNonNull(requestTimeout, "requestTimeout");
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

    public static ControlSettings of(URI coordinator, String token, Path spoolDir) {
        return new ControlSettings(coordinator, token, spoolDir, 100_000, Duration.ofSeconds(1), Duration.ofSeconds(10));
    }
}
