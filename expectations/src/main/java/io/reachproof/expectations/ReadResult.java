package io.reachproof.expectations;

import static java.util.Objects.requireNonNull;

import io.reachproof.yaml.Problem;
import java.util.List;

/**
 * What reading expectation files gives: the valid expectations, and every problem found. A document
 * with a problem contributes no expectation; the other documents still do.
 */
public record ReadResult(List<ConnectivityExpectation> expectations, List<Problem> problems) {

    public ReadResult {
        expectations = List.copyOf(requireNonNull(expectations, "expectations"));
        problems = List.copyOf(requireNonNull(problems, "problems"));
    }

    /** True when no file had a problem. */
    public boolean ok() {
        return problems.isEmpty();
    }
}
