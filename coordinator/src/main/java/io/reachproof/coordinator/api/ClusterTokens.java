package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * The bearer token of each cluster: an agent authenticates as a cluster, and may only act for agents of
 * that cluster.
 */
public final class ClusterTokens {

    private final Map<String, byte[]> tokens;

    public ClusterTokens(Map<String, String> tokensByCluster) {
        requireNonNull(tokensByCluster, "tokensByCluster");
        Map<String, byte[]> copy = new java.util.HashMap<>();
        tokensByCluster.forEach((cluster, token) -> {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("token of cluster " + cluster + " must not be blank");
            }
            copy.put(cluster, token.getBytes(StandardCharsets.UTF_8));
        });
        this.tokens = Map.copyOf(copy);
    }

    /** The cluster the request's bearer token belongs to; 401 without a token or with an unknown one. */
    public String authenticate(ApiRequest request) {
        String header = request.header("authorization")
                .orElseThrow(() -> ApiException.unauthorized("missing bearer token (Authorization: Bearer <cluster token>)"));
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized("Authorization must be a bearer token");
        }
        byte[] presented = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        Optional<String> cluster = Optional.empty();
        for (Map.Entry<String, byte[]> e : tokens.entrySet()) {
            if (MessageDigest.isEqual(e.getValue(), presented)) {
                cluster = Optional.of(e.getKey());
            }
        }
        return cluster.orElseThrow(() -> ApiException.unauthorized("bearer token is not valid for any cluster"));
    }

    /** Authenticates and requires the token of {@code cluster}; 403 for another cluster's token. */
    public void requireCluster(ApiRequest request, String cluster, String what) {
        String authenticated = authenticate(request);
        if (!authenticated.equals(cluster)) {
            throw ApiException.forbidden("token of cluster " + authenticated + " may not act for " + what
                    + " of cluster " + cluster);
        }
    }
}
