package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Asks a cluster's API server who a service-account token belongs to (a Kubernetes TokenReview). Calls
 * block (a request to the API server): they run on the API's handler pool, never on an event loop.
 */
@FunctionalInterface
public interface TokenReviewer {

    /** The API server's answer for {@code token}, reviewed for {@code audience}. */
    Review review(String token, String audience) throws ReviewUnavailable;

    /**
     * What the API server said.
     *
     * @param username e.g. {@code system:serviceaccount:reachproof:reachproof-agent}
     * @param audiences the audiences the token is valid for (among those asked)
     * @param extra e.g. {@code authentication.kubernetes.io/pod-name} and {@code pod-uid} of a pod-bound token
     * @param error the API server's reason when not authenticated
     */
    record Review(boolean authenticated, String username, List<String> audiences, Map<String, List<String>> extra,
            String error) {

        /** Extra key of a pod-bound token naming its pod. */
        public static final String POD_NAME = "authentication.kubernetes.io/pod-name";
        /** Extra key of a pod-bound token carrying its pod's uid. */
        public static final String POD_UID = "authentication.kubernetes.io/pod-uid";
        private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

        public Review {
            username = username == null ? "" : username;
            audiences = audiences == null ? List.of() : List.copyOf(audiences);
            extra = extra == null ? Map.of() : Map.copyOf(extra);
            error = error == null ? "" : error;
        }

        /** The namespace of the service account, from {@code system:serviceaccount:NS:NAME}. */
        public Optional<String> serviceAccountNamespace() {
            if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
                return Optional.empty();
            }
            String rest = username.substring(SERVICE_ACCOUNT_PREFIX.length());
            int colon = rest.indexOf(':');
            return colon <= 0 ? Optional.empty() : Optional.of(rest.substring(0, colon));
        }

        /** The single value of an extra key, if the token carries exactly one. */
        public Optional<String> extraValue(String key) {
            List<String> values = extra.get(key);
            return values == null || values.size() != 1 ? Optional.empty() : Optional.of(values.get(0));
        }
    }

    /** The API server could not be asked (unreachable, refused the coordinator's own credentials, timed out). */
    final class ReviewUnavailable extends Exception {
        private static final long serialVersionUID = 1L;

        public ReviewUnavailable(String message, Throwable cause) {
            super(requireNonNull(message, "message"), cause);
        }
    }
}
