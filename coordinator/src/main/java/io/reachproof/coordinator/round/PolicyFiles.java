package io.reachproof.coordinator.round;

import io.reachproof.coordinator.round.ExpectationFiles.InvalidExpectations;
import io.reachproof.policy.FromPoliciesResolver;
import io.reachproof.policy.PolicyInput;
import io.reachproof.policy.PolicyInputReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NetworkPolicy files that {@code spec.fromPolicies} sets derive their verdicts from (in the clusters
 * whose policies are not watched live, see {@link PoliciesInForce}): read once at start with the policy
 * engine's reader (files or directories, YAML or JSON), every problem or none.
 */
public final class PolicyFiles {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyFiles.class);

    private PolicyFiles() {
    }

    /**
     * The NetworkPolicies under {@code paths} (other kinds are skipped; Pods and Namespaces are ignored: the
     * agents are the topology). Every read or validation error as {@code FILE:LINE:COLUMN: message}, and an
     * error when no NetworkPolicy is found.
     */
    public static PolicyInput load(List<Path> paths) throws InvalidPolicies {
        PolicyInputReader.Result read = PolicyInputReader.read(paths, List.of());
        List<String> errors = new ArrayList<>(read.errors());
        if (errors.isEmpty()) {
            errors.addAll(FromPoliciesResolver.validate(read.input()));
        }
        if (errors.isEmpty() && read.input().policies().isEmpty()) {
            errors.add(String.join(", ", paths.stream().map(Path::toString).toList()) + ": no NetworkPolicy found");
        }
        if (!errors.isEmpty()) {
            throw new InvalidPolicies(errors);
        }
        read.input().skipped().forEach(s -> LOG.info("policies: {}", s));
        return read.input();
    }

    /**
     * {@code sets}, those with {@code fromPolicies} taking {@code policies}. A set with {@code fromPolicies}
     * while no policies are configured (no files, no watched cluster) is an error naming the set and
     * {@code setting} (how to give them).
     */
    public static List<LoadedExpectation> attach(List<LoadedExpectation> sets, PoliciesInForce policies, String setting)
            throws InvalidExpectations {
        List<LoadedExpectation> out = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (LoadedExpectation set : sets) {
            if (!set.expectation().fromPolicies()) {
                out.add(set);
            } else if (policies.configured()) {
                out.add(set.withPolicies(policies));
            } else {
                errors.add(set.expectation().policies().orElseThrow().source() + ": expectation " + set.name()
                        + " takes its verdicts from the NetworkPolicies (spec.fromPolicies), but no policies are"
                        + " configured: " + setting);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidExpectations(errors);
        }
        return out;
    }

    /** The problems of NetworkPolicy files, each as {@code FILE:LINE:COLUMN: message}. */
    public static final class InvalidPolicies extends InvalidFiles {
        private static final long serialVersionUID = 1L;

        public InvalidPolicies(List<String> problems) {
            super(problems);
        }
    }
}
