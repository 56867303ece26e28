package io.reachproof.expectations;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.yaml.Problem;
import io.reachproof.yaml.YamlLimits;
import org.junit.jupiter.api.Test;

/** No expectation file can stall or crash the reader: each limit is a problem at its position. */
class ExpectationReaderLimitsTest {

    private static final String HEADER = "apiVersion: reachproof.io/v1alpha1\nkind: ConnectivityExpectation\n";

    @Test
    void anAliasBombIsAProblemNotMinutesOfWorkAndGigabytes() {
        StringBuilder yaml = new StringBuilder(HEADER).append("metadata:\n  labels:\n    a0: &a0 [x, x]\n");
        for (int i = 1; i < 24; i++) {
            yaml.append("    a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        }

        assertThat(new ExpectationReader().read("bomb.yaml", yaml.toString()).problems()).map(Problem::toString).containsExactly(
                "bomb.yaml:18:10: aliases of the anchor &a13 expand the document by more than 100000 nodes (the limit)");
    }

    @Test
    void deepNestingIsAProblemNotAStackOverflow() {
        String yaml = HEADER + "spec: " + "[".repeat(2000) + "\n";

        assertThat(new ExpectationReader().read("deep.yaml", yaml).problems()).map(Problem::toString).containsExactly(
                "deep.yaml:3:106: lists and mappings nest more than 100 levels deep (the limit)");
    }

    @Test
    void aFileOverTheSizeLimitIsNotParsed() {
        String yaml = HEADER + "metadata: {name: " + "a".repeat(4096) + "}\n";

        assertThat(new ExpectationReader(new YamlLimits(4096, 100, 1000)).read("big.yaml", yaml).problems()).map(Problem::toString)
                .containsExactly("big.yaml: the file has " + yaml.length() + " bytes, more than the limit of 4096");
    }

    @Test
    void oneLongScalarIsRefusedBeforeParsingUnderTheDefaultsAndReadInLinearTimeUnderLargerLimits() {
        // 4 MB took 8.7 s before (the parser's read buffer was refilled by copying the whole scalar each KiB),
        // and only then hit snakeyaml-engine's code-point limit
        String yaml = HEADER + "metadata: {name: t, annotations: {note: " + "a".repeat(4 * 1024 * 1024) + "}}\n";

        assertThat(new ExpectationReader().read("long.yaml", yaml).problems()).map(Problem::toString).containsExactly(
                "long.yaml: the file has " + yaml.length() + " bytes, more than the limit of 3145728");
        assertThat(new ExpectationReader(new YamlLimits(8 << 20, 100, 100_000)).read("long.yaml", yaml).problems())
                .map(Problem::toString).containsExactly("long.yaml:1:1: missing required key 'spec' in the document");
    }
}
