package io.reachproof.cli.dataplane;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The window in which an enforcer that lags leaves pods open: a pod is open for {@code lag} after it was first seen,
 * and every pod a policy selects is open for {@code lag} after the policy was created or its spec changed, as in the
 * standard enforcing mode of AWS's VPC CNI network policy agent, where a new pod takes traffic before its policies are
 * reconciled. Pure: the enforcer passes what its informers hold and the time. A deleted policy is forgotten at once (it
 * can only open).
 */
public final class EnforcementLag {

    private final Duration lag;
    private final Map<String, Instant> podSeen = new HashMap<>();
    private final Map<String, NetworkPolicySpec> policySpecs = new HashMap<>();
    private final Map<String, Instant> policyChanged = new HashMap<>();

    public EnforcementLag(Duration lag) {
        requireNonNull(lag, "lag");
        if (lag.isNegative()) {
            throw new IllegalArgumentException("lag must not be negative: " + lag);
        }
        this.lag = lag;
    }

    public Duration lag() {
        return lag;
    }

    /** Records the pods and policies there are at {@code now}; returns the keys ({@link NftRuleset#key}) of the open pods. */
    public Set<String> open(List<NetworkPolicy> policies, List<Pod> pods, Instant now) {
        Set<String> podsNow = new HashSet<>();
        for (Pod p : pods) {
            String id = identity(p);
            podsNow.add(id);
            podSeen.putIfAbsent(id, now);
        }
        podSeen.keySet().retainAll(podsNow);
        Set<String> policiesNow = new HashSet<>();
        for (NetworkPolicy np : policies) {
            String key = np.getMetadata().getNamespace() + "/" + np.getMetadata().getName();
            policiesNow.add(key);
            if (!policySpecs.containsKey(key) || !Objects.equals(policySpecs.get(key), np.getSpec())) {
                policySpecs.put(key, np.getSpec());
                policyChanged.put(key, now);
            }
        }
        policySpecs.keySet().retainAll(policiesNow);
        policyChanged.keySet().retainAll(policiesNow);
        Set<String> open = new TreeSet<>();
        for (Pod p : pods) {
            if (within(podSeen.get(identity(p)), now)) {
                open.add(NftRuleset.key(p));
                continue;
            }
            for (NetworkPolicy np : policies) {
                String key = np.getMetadata().getNamespace() + "/" + np.getMetadata().getName();
                if (within(policyChanged.get(key), now) && Objects.equals(np.getMetadata().getNamespace(),
                        p.getMetadata().getNamespace()) && np.getSpec() != null
                        && NftRuleset.matches(np.getSpec().getPodSelector(), Optional.ofNullable(p.getMetadata().getLabels())
                        .orElse(Map.of()))) {
                    open.add(NftRuleset.key(p));
                    break;
                }
            }
        }
        return open;
    }

    /** When the next held-back rules land after {@code now}, if any are held back. */
    public Optional<Instant> nextLanding(Instant now) {
        Optional<Instant> next = Optional.empty();
        for (Map<String, Instant> times : List.of(podSeen, policyChanged)) {
            for (Instant t : times.values()) {
                Instant lands = t.plus(lag);
                if (lands.isAfter(now) && (next.isEmpty() || lands.isBefore(next.get()))) {
                    next = Optional.of(lands);
                }
            }
        }
        return next;
    }

    private boolean within(Instant since, Instant now) {
        return since != null && now.isBefore(since.plus(lag));
    }

    private static String identity(Pod p) {
        return NftRuleset.key(p) + "#" + Optional.ofNullable(p.getMetadata().getUid()).orElse("");
    }
}
