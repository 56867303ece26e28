package io.reachproof.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.reachproof.expectations.ExpectationReader;
import io.reachproof.expectations.ReadResult;
import io.reachproof.yaml.Problem;
import java.nio.charset.StandardCharsets;

/**
 * Any text given as an expectations file is read or refused with problems that name the file, a line and a
 * column: never an exception, never a stack trace. Regression inputs (seeds and past findings) live in
 * {@code src/test/resources/io/reachproof/fuzz/ExpectationReaderFuzzTestInputs}; {@code scripts/fuzz} fuzzes it.
 */
class ExpectationReaderFuzzTest {

    private final ExpectationReader reader = new ExpectationReader();

    @FuzzTest(maxDuration = "20s")
    void anyTextIsReadOrRefusedWithLocatedProblems(byte[] input) {
        ReadResult result = reader.read("fuzz.yaml", new String(input, StandardCharsets.UTF_8));

        assertThat(result.ok() || !result.problems().isEmpty()).as("a refusal names its problems").isTrue();
        for (Problem p : result.problems()) {
            assertThat(p.where().file()).isEqualTo("fuzz.yaml");
            assertThat(p.where().line()).isPositive();
            assertThat(p.where().column()).isPositive();
        }
    }
}
