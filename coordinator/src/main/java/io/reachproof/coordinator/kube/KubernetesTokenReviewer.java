package io.reachproof.coordinator.kube;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.reachproof.coordinator.api.TokenReviewer;
import java.util.List;

/**
 * Reviews an agent's service-account token with its cluster's API server: a {@code TokenReview}
 * ({@code authentication.k8s.io/v1}) for the agents' audience. The coordinator needs RBAC to create
 * tokenreviews in that cluster ({@code deploy/daemonset/coordinator}).
 */
public final class KubernetesTokenReviewer implements TokenReviewer {

    private final KubernetesClient client;

    public KubernetesTokenReviewer(KubernetesClient client) {
        this.client = requireNonNull(client, "client");
    }

    @Override
    public Review review(String token, String audience) throws ReviewUnavailable {
        TokenReview request = new TokenReviewBuilder()
                .withNewSpec().withToken(token).withAudiences(audience).endSpec()
                .build();
        TokenReview answer;
        try {
            answer = client.resource(request).create();
        } catch (KubernetesClientException e) {
            throw new ReviewUnavailable(e.getCode() > 0 ? "HTTP " + e.getCode() + " " + e.getStatus().getMessage()
                    : String.valueOf(e.getMessage()), e);
        }
        TokenReviewStatus status = answer == null ? null : answer.getStatus();
        if (status == null) {
            throw new ReviewUnavailable("the API server answered the TokenReview without a status", null);
        }
        UserInfo user = status.getUser();
        return new Review(Boolean.TRUE.equals(status.getAuthenticated()), user == null ? "" : user.getUsername(),
                status.getAudiences() == null ? List.of() : status.getAudiences(),
                user == null ? null : user.getExtra(), status.getError());
    }
}
