package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reachproof conformance}: what it refuses before building anything. */
class ConformanceCommandTest {

    private final CliRun cli = new CliRun();

    @Test
    void aClusterThatIsNoLabClusterWithoutAWayToARealOneIsAUsageErrorSayingHowToProveARealCluster() {
        assertThat(cli.run("conformance", "--cluster", "prod-eks")).isEqualTo(Main.EXIT_USAGE);

        assertThat(cli.err()).contains("--cluster prod-eks is no lab cluster (aws-lab, azure-lab, gcp-lab); to prove a"
                + " real cluster give --kubeconfig FILE or --in-cluster").doesNotContain("Exception");
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

    @Test
    void aRealClusterNeedsTheNodeThisRunsOn(@TempDir Path dir) {
        Assumptions.assumeTrue(System.getenv("NODE_NAME") == null, "NODE_NAME is set in this environment");

        assertThat(cli.run("conformance", "--cluster", "c", "--kubeconfig", dir.resolve("none").toString()))
                .isEqualTo(Main.EXIT_USAGE);

        assertThat(cli.err()).contains("a real cluster needs the node this runs on: --node NODE, or the environment"
                + " variable NODE_NAME (the Job in deploy/conformance sets it)");
    }

    @Test
    void aNamespacePrefixNoScratchNamespaceCanBeNamedAfterIsAUsageError(@TempDir Path dir) {
        assertThat(cli.run("conformance", "--cluster", "c", "--kubeconfig", dir.resolve("none").toString(), "--node", "n",
                "--namespace-prefix", "Conformance_1")).isEqualTo(Main.EXIT_USAGE);
        assertThat(cli.err()).contains("--namespace-prefix Conformance_1: not a DNS label");

        assertThat(cli.run("conformance", "--cluster", "c", "--kubeconfig", dir.resolve("none").toString(), "--node", "n",
                "--namespace-prefix", "a".repeat(53))).isEqualTo(Main.EXIT_USAGE);
        assertThat(cli.err()).contains("too long: the scratch namespaces' names would pass 63 characters (at most 52 for"
                + " the prefix)");
    }

    @Test
    void aKubeconfigThatCannotBeReadIsNamed(@TempDir Path dir) {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "the root check comes first: run as root");

        assertThat(cli.run("conformance", "--cluster", "c", "--kubeconfig", dir.resolve("none").toString(), "--node",
                "n")).isEqualTo(Main.EXIT_USAGE);

        assertThat(cli.err()).contains(dir.resolve("none") + ": cannot read the kubeconfig: no such file")
                .doesNotContain("Exception");
    }

    @Test
    void labAndRealClusterOptionsDoNotMix(@TempDir Path dir) {
        assertThat(cli.run("conformance", "--cluster", "aws-lab", "--node", "n")).isEqualTo(Main.EXIT_USAGE);
        assertThat(cli.err()).contains("--node is for a real cluster: give --kubeconfig FILE or --in-cluster");

        assertThat(cli.run("conformance", "--cluster", "c", "--in-cluster", "--kubeconfig", dir.toString()))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(cli.err()).contains("--kubeconfig and --in-cluster name two ways to the cluster: give one");
    }

    @Test
    void inClusterOutsideAPodIsAUsageErrorRatherThanAnotherClustersKubeconfig() {
        Assumptions.assumeTrue(System.getenv("KUBERNETES_SERVICE_HOST") == null, "this test runs in a pod");

        assertThat(cli.run("conformance", "--cluster", "c", "--in-cluster", "--node", "n")).isEqualTo(Main.EXIT_USAGE);

        assertThat(cli.err()).contains("--in-cluster: this does not run in a pod of the cluster (no"
                + " KUBERNETES_SERVICE_HOST); from outside give --kubeconfig FILE");
    }
}
