package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.cli.dataplane.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lab --clusters FILE}: refused with the loopback lab; a bad file stops the lab before anything is built. */
class LabClustersOptionTest {

    private final CliRun cli = new CliRun();

    @Test
    void theClustersFileIsTheDataplaneLabsOnly() {
        assertThat(cli.run("lab", "--loopback", "--clusters", "clusters.yaml")).isEqualTo(Main.EXIT_USAGE);

        assertThat(cli.err()).contains("--clusters is the dataplane lab's: it cannot go with --loopback, --agents or"
                + " --loopback-net");
    }

    @Test
    void aBadClustersFileIsLocatedAndNothingStarts(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Shell.whyNoDataplane().isEmpty(), () -> "the dataplane lab " + Shell.whyNoDataplane().orElse(""));
        Path file = Files.writeString(dir.resolve("clusters.yaml"),
                "clusters:\n- {name: aws-lab, profile: enforcement-lag, lag: 20m}\n- {name: gcp-lab, profile: ipblock}\n");

        assertThat(cli.run("lab", "--dataplane", "--clusters", file.toString(), "--port", "1")).isEqualTo(Main.EXIT_FAILED);

        assertThat(cli.err()).contains(file + ":2:50: clusters[0].lag: must be a duration from 1ms to 10m, such as 45s: 20m",
                file + ":3:28: clusters[1].profile: unknown profile 'ipblock'").doesNotContain("Exception");
    }
}
