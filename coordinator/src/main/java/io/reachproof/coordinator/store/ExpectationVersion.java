package io.reachproof.coordinator.store;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One version of an expectation set: the file it was read from, the SHA-256 (hex) of its bytes, and the git
 * revision given at start ({@code --git-revision}), if any.
 */
public record ExpectationVersion(String expectation, String contentHash, String file, Optional<String> gitRevision,
        String seenAt) {

    public ExpectationVersion {
        requireNonNull(expectation, "expectation");
        requireNonNull(contentHash, "contentHash");
        requireNonNull(file, "file");
        requireNonNull(gitRevision, "gitRevision");
        requireNonNull(seenAt, "seenAt");
    }
}
