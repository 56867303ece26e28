package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import io.reachproof.expectations.ConnectivityExpectation;
import io.reachproof.expectations.GroupCell;
import io.reachproof.policy.PolicyInput;
import java.util.List;
import java.util.Optional;

/**
 * An expectation set the coordinator proves, with its group cells resolved and, when it takes verdicts
 * from the NetworkPolicies ({@code spec.fromPolicies}), the policies in force (files, or live from a watched
 * cluster; they may change while the coordinator runs).
 */
public record LoadedExpectation(ConnectivityExpectation expectation, List<GroupCell> cells, Optional<PoliciesInForce> policies) {

    public LoadedExpectation {
        requireNonNull(expectation, "expectation");
        cells = List.copyOf(requireNonNull(cells, "cells"));
        requireNonNull(policies, "policies");
        if (policies.isPresent() && !expectation.fromPolicies()) {
            throw new IllegalArgumentException("expectation " + expectation.name() + " has no fromPolicies: it takes no policies");
        }
    }

    public String name() {
        return expectation.name();
    }

    /** This set with the NetworkPolicies its {@code fromPolicies} cells are derived from. */
    public LoadedExpectation withPolicies(PoliciesInForce value) {
        return new LoadedExpectation(expectation, cells, Optional.of(value));
    }

    /** This set with the same NetworkPolicy files in every cluster. */
    public LoadedExpectation withPolicies(PolicyInput files) {
        return withPolicies(PoliciesInForce.files(files));
    }
}
