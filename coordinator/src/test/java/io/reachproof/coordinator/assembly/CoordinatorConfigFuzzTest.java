package io.reachproof.coordinator.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes as the coordinator's configuration file are a configuration or an {@link IllegalArgumentException}
 * whose every line names the file, a line and a column: never another exception (which would be a stack trace at
 * start). Regression inputs live in
 * {@code src/test/resources/io/reachproof/coordinator/assembly/CoordinatorConfigFuzzTestInputs}.
 */
class CoordinatorConfigFuzzTest {

    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("reachproof-config-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "20s")
    void anyBytesAreAConfigurationOrLocatedProblems(byte[] input) throws IOException {
        Path file = DIR.resolve("coordinator.yaml");
        Files.write(file, input);
        try {
            CoordinatorConfig.read(file);
        } catch (IllegalArgumentException refused) {
            for (String line : refused.getMessage().split("\n")) {
                assertThat(line).as("every problem is located").startsWith(file + ":");
            }
        }
    }
}
