package io.reachproof.policy;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.List;

/**
 * What the engine reads: NetworkPolicies and a topology of Namespaces and Pods, each with where it
 * was written, plus one line per object of another kind that was skipped.
 */
public record PolicyInput(
        List<Located<NetworkPolicy>> policies,
        List<Located<Namespace>> namespaces,
        List<Located<Pod>> pods,
        List<String> skipped) {

    public PolicyInput {
        policies = List.copyOf(requireNonNull(policies, "policies"));
        namespaces = List.copyOf(requireNonNull(namespaces, "namespaces"));
        pods = List.copyOf(requireNonNull(pods, "pods"));
        skipped = List.copyOf(requireNonNull(skipped, "skipped"));
    }

    /** Objects built in code (tests, benchmarks): every position is {@code origin:0:0}. */
    public static PolicyInput inCode(
            List<NetworkPolicy> policies, List<Namespace> namespaces, List<Pod> pods, String origin) {
        return new PolicyInput(
                policies.stream().map(p -> Located.inCode(p, origin)).toList(),
                namespaces.stream().map(n -> Located.inCode(n, origin)).toList(),
                pods.stream().map(p -> Located.inCode(p, origin)).toList(),
                List.of());
    }
}
