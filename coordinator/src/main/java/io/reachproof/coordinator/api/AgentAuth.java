package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.registry.AgentRegistry;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.ProtocolV1;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who an agent call speaks for, in one of two modes per cluster:
 * <ul>
 *   <li><b>cluster token</b> (the weaker mode, for the lab and for clusters the coordinator does not watch):
 *       every call carries the cluster's bearer token; any agent holding it may register a new agent id of
 *       its cluster.</li>
 *   <li><b>TokenReview</b> (clusters the coordinator watches): an agent registers with its projected,
 *       audience-bound service-account token and {@value ProtocolV1#CLUSTER_HEADER}; the coordinator asks the
 *       cluster's API server (TokenReview) and lets the agent register only as the pod the token is bound to.
 *       Its later calls carry no token: the agent key it registered with, bound to that pod's agent id, is
 *       checked from the head (401 for a key no agent of the cluster holds).</li>
 * </ul>
 * In both modes every call carries the agent's key ({@value ProtocolV1#AGENT_KEY_HEADER}).
 */
public final class AgentAuth {

    private final ClusterTokens tokens;
    private final Map<String, TokenReviewer> reviewers;
    private final String audience;
    private final AgentRegistry registry;

    /**
     * @param reviewers per cluster in TokenReview mode, the reviewer asking its API server
     * @param audience the audience the agents' tokens must be bound to
     */
    public AgentAuth(ClusterTokens tokens, Map<String, TokenReviewer> reviewers, String audience, AgentRegistry registry) {
        this.tokens = requireNonNull(tokens, "tokens");
        this.reviewers = Map.copyOf(requireNonNull(reviewers, "reviewers"));
        this.audience = requireNonNull(audience, "audience");
        this.registry = requireNonNull(registry, "registry");
    }

    /** The clusters in TokenReview mode. */
    public Set<String> reviewedClusters() {
        return reviewers.keySet();
    }

    /** From the head of a registration: a cluster token, or a bearer token for a cluster in TokenReview mode. */
    void admitRegistration(ApiRequest head) {
        Optional<String> reviewed = reviewedCluster(head);
        if (reviewed.isEmpty()) {
            tokens.authenticate(head);
        } else {
            bearer(head);
        }
        AgentRoutes.agentKey(head);
    }

    /**
     * From the head of any other agent call: the cluster it speaks for. In TokenReview mode the agent key must
     * be one an agent of that cluster registered with.
     */
    String admitCall(ApiRequest head) {
        Optional<String> reviewed = reviewedCluster(head);
        if (reviewed.isEmpty()) {
            return tokens.authenticate(head);
        }
        String key = AgentRoutes.agentKey(head);
        if (!registry.keyHeldIn(reviewed.get(), key)) {
            throw ApiException.unauthorized("no agent of cluster " + reviewed.get() + " registered with this "
                    + ProtocolV1.AGENT_KEY_HEADER + "; register (with the service-account token) first");
        }
        return reviewed.get();
    }

    /**
     * Authenticates a registration of {@code identity}: its cluster's token, or (TokenReview mode) a
     * service-account token the cluster's API server says is valid for the audience and bound to the pod
     * {@code identity} names. Runs on the handler pool (a TokenReview blocks).
     */
    void authenticateRegistration(ApiRequest request, AgentIdentity identity) {
        Optional<String> reviewed = reviewedCluster(request);
        if (reviewed.isEmpty()) {
            tokens.requireCluster(request, identity.cluster(), "agent " + identity.agentId());
            return;
        }
        String cluster = reviewed.get();
        if (!cluster.equals(identity.cluster())) {
            throw ApiException.forbidden("a token of cluster " + cluster + " may not register agent "
                    + identity.agentId() + " of cluster " + identity.cluster());
        }
        TokenReviewer.Review review;
        try {
            review = reviewers.get(cluster).review(bearer(request), audience);
        } catch (TokenReviewer.ReviewUnavailable e) {
            throw new ApiException(503, "cannot review the agent's token with the API server of cluster " + cluster
                    + ": " + e.getMessage());
        }
        if (!review.authenticated()) {
            throw ApiException.unauthorized("the API server of cluster " + cluster + " did not authenticate the"
                    + " service-account token" + (review.error().isEmpty() ? "" : ": " + review.error()));
        }
        if (!review.audiences().contains(audience)) {
            throw ApiException.unauthorized("the service-account token is not bound to audience " + audience);
        }
        Optional<String> pod = review.extraValue(TokenReviewer.Review.POD_NAME);
        Optional<String> namespace = review.serviceAccountNamespace();
        if (pod.isEmpty() || namespace.isEmpty()) {
            throw ApiException.unauthorized("the service-account token is not bound to a pod (use a projected token)");
        }
        if (!pod.get().equals(identity.pod()) || !namespace.get().equals(identity.namespace())) {
            throw ApiException.forbidden("the service-account token of pod " + namespace.get() + "/" + pod.get()
                    + " may not register as pod " + identity.namespace() + "/" + identity.pod());
        }
    }

    private Optional<String> reviewedCluster(ApiRequest head) {
        Optional<String> cluster = head.header(ProtocolV1.CLUSTER_HEADER);
        return cluster.filter(reviewers::containsKey);
    }

    private static String bearer(ApiRequest head) {
        String header = head.header("authorization").orElseThrow(() -> ApiException.unauthorized(
                "missing bearer token (Authorization: Bearer <service-account token>)"));
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            throw ApiException.unauthorized("Authorization must be a bearer token");
        }
        return header.substring(7).trim();
    }
}
