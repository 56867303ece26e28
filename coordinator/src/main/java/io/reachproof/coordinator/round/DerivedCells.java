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
 * The cells of one set derived from the NetworkPolicies: compiled for the planned (not gone) agents, and
 * compiled again only when that agent set changes, not every round. The policies themselves are read once
 * at start (a change of the files needs a restart).
 */
final class DerivedCells {

    private final LoadedExpectation loaded;
    private List<Endpoint> compiledFor;
    private FromPoliciesResolver compiled;

    DerivedCells(LoadedExpectation loaded) {
        this.loaded = requireNonNull(loaded, "loaded");
    }

    /** The derivation for {@code agents}; empty when the set has no {@code fromPolicies}. */
    synchronized Optional<FromPoliciesResolver> forAgents(List<RegisteredAgent> agents) {
        if (loaded.policies().isEmpty()) {
            return Optional.empty();
        }
        List<Endpoint> endpoints = agents.stream()
                .filter(a -> a.state() != AgentState.GONE)
                .map(a -> ProbePlanner.endpoint(a.identity()))
                .sorted(Comparator.comparing(Endpoint::id))
                .toList();
        if (!endpoints.equals(compiledFor)) {
            compiled = FromPoliciesResolver.compile(loaded.expectation(), loaded.policies().get(), endpoints);
            compiledFor = endpoints;
        }
        return Optional.of(compiled);
    }
}
