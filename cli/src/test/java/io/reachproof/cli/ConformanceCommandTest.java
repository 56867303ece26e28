package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reachproof conformance}: what it refuses before building anything. */
class ConformanceCommandTest {

    private final CliRun cli = new CliRun();

    @Test
    void aClusterThatIsNoLabClusterIsAUsageErrorSayingOnlyLabClustersAreSupportedYet() {
        assertThat(cli.run("conformance", "--cluster", "prod-eks")).isEqualTo(Main.EXIT_USAGE);

        assertThat(cli.err()).contains("--cluster prod-eks: only lab clusters are supported yet (aws-lab, azure-lab,"
                + " gcp-lab); proving a real cluster (workload mode in a scratch namespace) is not built yet")
                .doesNotContain("Exception");
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        assertThat(cli.run("conformance", "--cluster", "aws-lab", "--format", "html")).isEqualTo(Main.EXIT_USAGE);

        assertThat(cli.err()).contains("--format must be text, json or markdown: html");
    }

    @Test
    void aBadClustersFileIsLocated(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("clusters.yaml"), "clusters:\n- {name: a, profile: drop}\n");

        assertThat(cli.run("conformance", "--cluster", "a", "--clusters", file.toString())).isEqualTo(Main.EXIT_FAILED);

        assertThat(cli.err()).contains(file + ":2:22: clusters[0].profile: unknown profile 'drop'").doesNotContain("Exception");
    }
}
