package io.reachproof.expectations;

import static java.util.Objects.requireNonNull;

import io.reachproof.yaml.SourceRef;
import io.reachproof.protocol.Verdict;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code ConnectivityExpectation} document: named groups of endpoints and the verdicts expected
 * between them.
 *
 * @param defaultVerdict the verdict of group pairs that no rule names; empty for {@code none}
 * @param fromPolicies true when expected verdicts come from the NetworkPolicies in force
 *     ({@code policies} is then present)
 * @param groups in the order they were written
 * @param source where the document starts
 * @param policies what {@code spec.fromPolicies} says, when present
 * @param defaultVerdictAt where {@code defaultVerdict} was written (the rule reference of default
 *     cells); {@code source} when it was not written
 */
public record ConnectivityExpectation(
        String name,
        Duration interval,
        Optional<Verdict> defaultVerdict,
        Map<String, Group> groups,
        List<Rule> rules,
        boolean fromPolicies,
        SourceRef source,
        Optional<FromPolicies> policies,
        SourceRef defaultVerdictAt) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

    public ConnectivityExpectation {
        requireNonNull(name, "name");
        requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        requireNonNull(defaultVerdict, "defaultVerdict");
        groups = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(groups, "groups")));
        rules = List.copyOf(requireNonNull(rules, "rules"));
        requireNonNull(source, "source");
        requireNonNull(policies, "policies");
        if (fromPolicies != policies.isPresent()) {
            throw new IllegalArgumentException("fromPolicies must be true exactly when policies is present");
        }
        defaultVerdictAt = defaultVerdictAt == null ? source : defaultVerdictAt;
    }

    /** The groups a rule may name as source: every group that is not external. */
    public List<String> podGroupNames() {
        return groups.values().stream().filter(g -> !g.isExternal()).map(Group::name).toList();
    }
}
