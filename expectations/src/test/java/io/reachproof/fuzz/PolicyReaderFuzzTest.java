package io.reachproof.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.reachproof.policy.PolicyEngine;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.yaml.Problem;
import java.nio.charset.StandardCharsets;

/**
 * Any text given as NetworkPolicies and topology ({@code compile}, {@code explain}, the coordinator's
 * {@code policies:}) is read and compiled into a truth table, or refused with located problems: never an
 * exception. Regression inputs live in {@code src/test/resources/io/reachproof/fuzz/PolicyReaderFuzzTestInputs}.
 */
class PolicyReaderFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void anyTextIsCompiledOrRefusedWithLocatedProblems(byte[] input) {
        PolicyInputReader.Result read = PolicyInputReader.readString("fuzz.yaml", new String(input, StandardCharsets.UTF_8));
        for (Problem p : read.problems()) {
            assertThat(p.where().file()).isEqualTo("fuzz.yaml");
            assertThat(p.where().line()).isPositive();
        }

        PolicyEngine.Result compiled = PolicyEngine.compile(read.input(), read.errors());

        assertThat(compiled.table().isPresent() || !compiled.errors().isEmpty())
                .as("a policy set compiles or says why not").isTrue();
    }
}
