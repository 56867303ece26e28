package io.reachproof.coordinator.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What a coordinator keeps its proof record in, and the expectation versions it proves (recorded at start).
 *
 * @param store the database
 * @param expectations each expectation set's file, content hash and the git revision given at start
 */
public record RecordSettings(StoreSettings store, List<ExpectationVersion> expectations) {

    public RecordSettings {
        requireNonNull(store, "store");
        expectations = List.copyOf(requireNonNull(expectations, "expectations"));
    }

    /** The version of expectation set {@code name} read from {@code file} at {@code now}. */
    public static ExpectationVersion version(String name, Path file, Optional<String> gitRevision, Instant now) {
        try {
            return new ExpectationVersion(name, sha256(Files.readAllBytes(file)), file.toAbsolutePath().toString(),
                    gitRevision, now.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** SHA-256 of {@code bytes}, in hex. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
