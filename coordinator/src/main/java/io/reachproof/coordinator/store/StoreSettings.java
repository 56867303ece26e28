package io.reachproof.coordinator.store;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the proof record lives: a JDBC URL (H2 or PostgreSQL), its user and password, and how long rounds,
 * episodes and versions are kept.
 *
 * @param url {@code jdbc:h2:...} or {@code jdbc:postgresql://...}
 * @param user the database user; empty for H2's default
 * @param password read from the configuration's {@code passwordFile}; empty when none
 * @param retention records older than this are pruned (off the round path)
 */
public record StoreSettings(String url, Optional<String> user, Optional<String> password, Duration retention) {

    /** Ninety days of rounds, episodes and versions. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
    /** The H2 file of the embedded default, inside a data directory. */
    public static final String H2_FILE = "reachproof-store";

    public StoreSettings {
        requireNonNull(url, "url");
        requireNonNull(user, "user");
        requireNonNull(password, "password");
        requireNonNull(retention, "retention");
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("store url must be jdbc:h2:... or jdbc:postgresql://..., not " + url);
        }
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive: " + retention);
        }
    }

    /** {@code url} without user or password, kept {@link #DEFAULT_RETENTION}. */
    public static StoreSettings of(String url) {
        return new StoreSettings(url, Optional.empty(), Optional.empty(), DEFAULT_RETENTION);
    }

    /**
     * The embedded default: an H2 file in {@code dataDir}, opened with {@code AUTO_SERVER} so that
     * {@code reachproof report --store} can read it while the coordinator writes.
     */
    public static StoreSettings h2In(Path dataDir) {
        return of(h2Url(dataDir));
    }

    /** The JDBC URL of the H2 file in {@code dataDir}. */
    public static String h2Url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve(H2_FILE) + ";AUTO_SERVER=TRUE";
    }

    public StoreSettings withRetention(Duration value) {
        return new StoreSettings(url, user, password, value);
    }

    /** {@code url} as it may be printed: no password is ever part of it here. */
    @Override
    public String toString() {
        return url + user.map(u -> " (user " + u + ")").orElse("");
    }
}
