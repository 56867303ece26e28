package io.reachproof.coordinator.assembly;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * How agents authenticate, per cluster: the clusters listed under {@code tokenReview} present their projected
 * service-account tokens, which the coordinator reviews with that cluster's API server (the cluster must be
 * watched: {@code --kubernetes}); every other cluster's agents present the cluster's token ({@code tokens}).
 *
 * @param tokenReviewClusters clusters whose agents authenticate by TokenReview
 * @param audience the audience their tokens must be bound to (the projected volume's {@code audience})
 */
public record AgentAuthSettings(Set<String> tokenReviewClusters, String audience) {

    /** The audience the manifests in {@code deploy/} project the agents' tokens for. */
    public static final String DEFAULT_AUDIENCE = "reachproof";
    /** Every cluster's agents present the cluster's token. */
    public static final AgentAuthSettings CLUSTER_TOKENS = new AgentAuthSettings(Set.of(), DEFAULT_AUDIENCE);

    public AgentAuthSettings {
        tokenReviewClusters = Set.copyOf(requireNonNull(tokenReviewClusters, "tokenReviewClusters"));
        requireNonNull(audience, "audience");
        if (audience.isBlank()) {
            throw new IllegalArgumentException("audience must not be blank");
        }
    }
}
