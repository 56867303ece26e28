package io.reachproof.coordinator.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The operator's bearer token: when one is configured, the operator endpoints (rounds, agents, matrix, the page's
 * data and events) admit only requests that present it as {@code Authorization: Bearer TOKEN}. Decided from the
 * request's head, compared in constant time. The token is never read from the query string.
 */
public final class AdminToken {

    private final Optional<byte[]> token;

    public AdminToken(Optional<String> token) {
        this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether a token is configured (and so required). */
    public boolean required() {
        return token.isPresent();
    }

    /** Throws a 401 {@link ApiException} unless {@code request} carries the token (when one is configured). */
    public void admit(ApiRequest request) {
        if (token.isPresent()) {
            String header = request.header("authorization")
                    .orElseThrow(() -> ApiException.unauthorized("missing bearer token (the admin token)"));
            byte[] presented = header.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
            if (!MessageDigest.isEqual(token.get(), presented)) {
                throw ApiException.unauthorized("bearer token is not the admin token");
            }
        }
    }
}
