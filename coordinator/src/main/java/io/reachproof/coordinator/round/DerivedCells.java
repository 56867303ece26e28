package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.registry.AgentState;
import io.reachproof.coordinator.registry.RegisteredAgent;
import io.reachproof.expectations.Endpoint;
import io.reachproof.policy.FromPoliciesResolver;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The cells of one set derived from the NetworkPolicies: compiled for the planned (not gone) agents and the
 * policies in force, and compiled again only when that agent set or those policies changed (a policy file is
 * read once at start; a watched cluster's policies change with the cluster), at the next round that asks, not
 * on every change.
 */
final class DerivedCells {

    private final LoadedExpectation loaded;
    private List<Endpoint> compiledFor;
    private long compiledGeneration;
    private FromPoliciesResolver compiled;

    DerivedCells(LoadedExpectation loaded) {
        this.loaded = requireNonNull(loaded, "loaded");
    }

    /** The derivation for {@code agents} and the policies in force now; empty when the set has no {@code fromPolicies}. */
    synchronized Optional<FromPoliciesResolver> forAgents(List<RegisteredAgent> agents) {
        return forEndpoints(agents.stream()
                .filter(a -> a.state() != AgentState.GONE)
                .map(a -> ProbePlanner.endpoint(a.identity()))
                .sorted(Comparator.comparing(Endpoint::id))
                .toList());
    }

    /**
     * The derivation for what groups select ({@link ProbePlanner#endpoints}: agents, and the pods of clusters in
     * workload mode), ordered by id, and the policies in force now; empty when the set has no {@code fromPolicies}.
     */
    synchronized Optional<FromPoliciesResolver> forEndpoints(List<Endpoint> endpoints) {
        if (loaded.policies().isEmpty()) {
            return Optional.empty();
        }
        PoliciesInForce.Snapshot policies = loaded.policies().get().snapshot();
        if (!endpoints.equals(compiledFor) || policies.generation() != compiledGeneration) {
            compiled = FromPoliciesResolver.compile(loaded.expectation(), policies.policies(), policies.egress(), endpoints);
            compiledFor = endpoints;
            compiledGeneration = policies.generation();
        }
        return Optional.of(compiled);
    }
}
