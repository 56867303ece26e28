package io.reachproof.coordinator.assembly;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.api.ApiServerSettings;
import io.reachproof.coordinator.plan.PlannerSettings;
import io.reachproof.coordinator.registry.RegistrySettings;
import io.reachproof.coordinator.round.RoundSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the coordinator is configured with, typed and validated.
 *
 * @param tokens bearer token per cluster: agents of a cluster authenticate with its token
 * @param adminToken when present, the operator endpoints ({@code /v1/rounds}, {@code /v1/agents}, ...) require it
 * @param failedAttemptsForDeny failed attempts a deny (and so a BLOCKED) needs
 * @param pollTimeout how long a plan poll waits for a change before answering 204
 * @param maxBatchResults entries (results + self-checks) one delivery may carry
 * @param scheduled false to run rounds only on demand (tests, benchmarks)
 * @param agentAuth which clusters' agents authenticate by TokenReview instead of the cluster token
 * @param workloadClusters clusters in workload mode: their groups select real pods (watched with
 *     {@code --kubernetes}), probed from and at by their node agents in workload mode
 * @param traceUi the base URL of a trace UI: the reachability page links a round's trace as this followed by its id
 */
public record CoordinatorSettings(
        ApiServerSettings api,
        Map<String, String> tokens,
        Optional<String> adminToken,
        RegistrySettings registry,
        PlannerSettings planner,
        RoundSettings rounds,
        int failedAttemptsForDeny,
        Duration pollTimeout,
        int maxBatchResults,
        boolean scheduled,
        Duration maxJitter,
        AgentAuthSettings agentAuth,
        Set<String> workloadClusters,
        Optional<String> traceUi) {

    public CoordinatorSettings {
        requireNonNull(traceUi, "traceUi");
        workloadClusters = Set.copyOf(requireNonNull(workloadClusters, "workloadClusters"));
        requireNonNull(api, "api");
        tokens = Map.copyOf(requireNonNull(tokens, "tokens"));
        requireNonNull(adminToken, "adminToken");
        requireNonNull(registry, "registry");
        requireNonNull(planner, "planner");
        requireNonNull(rounds, "rounds");
        requireNonNull(pollTimeout, "pollTimeout");
        requireNonNull(maxJitter, "maxJitter");
        requireNonNull(agentAuth, "agentAuth");
        if (tokens.isEmpty() && agentAuth.tokenReviewClusters().isEmpty()) {
            throw new IllegalArgumentException("tokens must name at least one cluster");
        }
        if (failedAttemptsForDeny < 1) {
            throw new IllegalArgumentException("failedAttemptsForDeny must be at least 1: " + failedAttemptsForDeny);
        }
        if (failedAttemptsForDeny > planner.attempts()) {
            throw new IllegalArgumentException("failedAttemptsForDeny (" + failedAttemptsForDeny
                    + ") must not exceed the attempts of a probe (" + planner.attempts() + ")");
        }
        if (pollTimeout.isNegative() || pollTimeout.isZero()) {
            throw new IllegalArgumentException("pollTimeout must be positive: " + pollTimeout);
        }
        if (pollTimeout.compareTo(api.idleTimeout()) >= 0) {
            throw new IllegalArgumentException("pollTimeout must be shorter than the API idle timeout: " + pollTimeout);
        }
        if (maxBatchResults < 1) {
            throw new IllegalArgumentException("maxBatchResults must be at least 1: " + maxBatchResults);
        }
    }

    /** Loopback on {@code port}, default timing. */
    public static CoordinatorSettings defaults(int port, Map<String, String> tokens) {
        return new CoordinatorSettings(ApiServerSettings.loopback(port), tokens, Optional.empty(),
                RegistrySettings.defaults(), PlannerSettings.defaults(), RoundSettings.defaults(), 2,
                Duration.ofSeconds(25), 5000, true, Duration.ofSeconds(5), AgentAuthSettings.CLUSTER_TOKENS, Set.of(),
                Optional.empty());
    }

    public CoordinatorSettings withApi(ApiServerSettings value) {
        return new CoordinatorSettings(value, tokens, adminToken, registry, planner, rounds, failedAttemptsForDeny,
                pollTimeout, maxBatchResults, scheduled, maxJitter, agentAuth, workloadClusters, traceUi);
    }

    public CoordinatorSettings withRegistry(RegistrySettings value) {
        return new CoordinatorSettings(api, tokens, adminToken, value, planner, rounds, failedAttemptsForDeny,
                pollTimeout, maxBatchResults, scheduled, maxJitter, agentAuth, workloadClusters, traceUi);
    }

    public CoordinatorSettings withPlanner(PlannerSettings value, int failedAttempts) {
        return new CoordinatorSettings(api, tokens, adminToken, registry, value, rounds, failedAttempts,
                pollTimeout, maxBatchResults, scheduled, maxJitter, agentAuth, workloadClusters, traceUi);
    }

    public CoordinatorSettings withRounds(RoundSettings value) {
        return new CoordinatorSettings(api, tokens, adminToken, registry, planner, value, failedAttemptsForDeny,
                pollTimeout, maxBatchResults, scheduled, maxJitter, agentAuth, workloadClusters, traceUi);
    }

    public CoordinatorSettings withPollTimeout(Duration value) {
        return new CoordinatorSettings(api, tokens, adminToken, registry, planner, rounds, failedAttemptsForDeny,
                value, maxBatchResults, scheduled, maxJitter, agentAuth, workloadClusters, traceUi);
    }

    public CoordinatorSettings withScheduled(boolean value) {
        return new CoordinatorSettings(api, tokens, adminToken, registry, planner, rounds, failedAttemptsForDeny,
                pollTimeout, maxBatchResults, value, maxJitter, agentAuth, workloadClusters, traceUi);
    }

    public CoordinatorSettings withAdminToken(Optional<String> value) {
        return new CoordinatorSettings(api, tokens, value, registry, planner, rounds, failedAttemptsForDeny,
                pollTimeout, maxBatchResults, scheduled, maxJitter, agentAuth, workloadClusters, traceUi);
    }

    public CoordinatorSettings withWorkloadClusters(Set<String> value) {
        return new CoordinatorSettings(api, tokens, adminToken, registry, planner, rounds, failedAttemptsForDeny,
                pollTimeout, maxBatchResults, scheduled, maxJitter, agentAuth, value, traceUi);
    }

    public CoordinatorSettings withTraceUi(Optional<String> value) {
        return new CoordinatorSettings(api, tokens, adminToken, registry, planner, rounds, failedAttemptsForDeny,
                pollTimeout, maxBatchResults, scheduled, maxJitter, agentAuth, workloadClusters, value);
    }

    public CoordinatorSettings withAgentAuth(AgentAuthSettings value) {
        return new CoordinatorSettings(api, tokens, adminToken, registry, planner, rounds, failedAttemptsForDeny,
                pollTimeout, maxBatchResults, scheduled, maxJitter, value, workloadClusters, traceUi);
    }
}
