package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoordinatorCommandTest {

    private final CliRun cli = new CliRun();

    @TempDir
    Path dir;

    private Path config(String policies) throws Exception {
        Files.copy(Path.of("../expectations/examples/lab-policies.yaml"), dir.resolve("lab-policies.yaml"));
        Path config = dir.resolve("coordinator.yaml");
        Files.writeString(config, "port: 0\ntokens: {aws-lab: t}\nexpectations: [lab-policies.yaml]\n" + policies);
        return config;
    }

    @Test
    void anExpectationFromPoliciesWithoutPoliciesExitsOneNamingItAndTheKey() throws Exception {
        Path config = config("");

        assertThat(cli.run("coordinator", "--config", config.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err()).isEqualTo(dir.resolve("lab-policies.yaml") + ":23:3: expectation lab-policies takes its verdicts"
                + " from the NetworkPolicies (spec.fromPolicies), but no policies are configured: set 'policies' in " + config
                + ", or take them live from the cluster with --kubernetes CLUSTER" + System.lineSeparator());
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void aMissingPolicyPathExitsOneNamingIt() throws Exception {
        Path config = config("policies: [missing/]\n");

        assertThat(cli.run("coordinator", "--config", config.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err()).isEqualTo(dir.resolve("missing/") + ": no such file or directory" + System.lineSeparator());
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void aBadLeaderElectionKeyExitsOneNamingIt() throws Exception {
        Path config = config("policies: [lab-policies.yaml]\nleaderElection: {leaseDuration: 5s}\n");

        assertThat(cli.run("coordinator", "--config", config.toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err()).isEqualTo(config + ": leaderElection.renewDeadline: must be shorter than"
                + " leaderElection.leaseDuration (5s), not 10s" + System.lineSeparator());
        assertThat(cli.out()).isEmpty();
    }
}
