package io.reachproof.cli;

import static io.reachproof.cli.CheckCommandTest.DUMP;
import static io.reachproof.cli.CheckCommandTest.MANIFESTS;
import static io.reachproof.cli.CheckCommandTest.PROMISES;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.reachproof.coordinator.testing.MockCluster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reachproof snapshot} against fabric8's mock API server (CRUD mode) holding the example shop cluster. */
@EnableKubernetesMockClient(crud = true)
class SnapshotCommandTest {

    KubernetesClient client;

    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();

    @BeforeEach
    void loadTheShopCluster() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(DUMP))) {
            for (HasMetadata item : client.load(in).items()) {
                client.resource(item).create();
                if (item instanceof Pod pod) {
                    client.pods().resource(pod).updateStatus();
                }
            }
        }
        Pod finished = client.pods().inNamespace("shop").resource(new PodBuilder()
                .withNewMetadata().withName("migrate-db-x1").withNamespace("shop").addToLabels("job-name", "migrate-db").endMetadata()
                .withNewSpec().addNewContainer().withName("migrate").withImage("migrate:1")
                .addNewEnv().withName("DB_PASSWORD").withValue("hunter2-do-not-leak").endEnv().endContainer().endSpec()
                .withNewStatus().withPhase("Succeeded").endStatus()
                .build()).create();
        client.pods().resource(new PodBuilder(finished).withNewStatus().withPhase("Succeeded").endStatus().build())
                .updateStatus();
        assertThat(client.pods().inNamespace("shop").withName("migrate-db-x1").get().getStatus().getPhase())
                .isEqualTo("Succeeded");
    }

    private Path kubeconfig() {
        return MockCluster.kubeconfig(dir.resolve("kubeconfig"), client.getMasterUrl().toString(), "default");
    }

    @Test
    void theSnapshotCompilesToTheSameTableAsTheClusterDump() throws IOException {
        Path out = dir.resolve("snap");

        assertThat(cli.run("snapshot", "--kubernetes", "prod=" + kubeconfig(), "--out", out.toString())).isZero();

        assertThat(cli.out()).isEqualTo(out.resolve("prod") + ": 4 namespaces, 7 pods, 6 NetworkPolicies\n");
        CliRun fromSnapshot = new CliRun();
        assertThat(fromSnapshot.run("compile", "--policies", out.resolve("prod/policies").toString(),
                "--topology", out.resolve("prod/topology.yaml").toString(), "--format", "json")).isZero();
        CliRun fromDump = new CliRun();
        assertThat(fromDump.run("compile", "--policies", MANIFESTS, "--topology", DUMP, "--format", "json")).isZero();
        assertThat(fromSnapshot.out()).isEqualTo(fromDump.out());
        assertThat(out.resolve("prod/policies/payments/payments-api.yaml")).isRegularFile();
    }

    @Test
    void nothingButLabelsOwnersIpsAndPortsIsWrittenAndFinishedPodsAreLeftOut() throws IOException {
        Path out = dir.resolve("snap");

        assertThat(cli.run("snapshot", "--kubernetes", "prod=" + kubeconfig(), "--out", out.toString())).isZero();

        String topology = Files.readString(out.resolve("prod/topology.yaml"));
        assertThat(topology).contains("name: \"payments-84d6f7c9b-5tq2w\"", "podIP: \"10.", "containerPort: 8443")
                .doesNotContain("migrate-db", "image", "env", "resourceVersion", "uid: \"", "creationTimestamp");
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain("hunter2", "managedFields", "annotations");
            }
        }
    }

    @Test
    void aPodKeepsItsOwnerButNotItsEnvImageOrAnnotations() {
        Pod pod = new PodBuilder()
                .withNewMetadata().withName("web-1").withNamespace("shop").addToLabels("app", "web")
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"secret\":1}")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web-5d4").withUid("u1")
                .endOwnerReference().endMetadata()
                .withNewSpec().withServiceAccountName("web").addNewContainer().withName("web").withImage("web:1")
                .addNewEnv().withName("TOKEN").withValue("s3cr3t").endEnv()
                .addNewPort().withContainerPort(8080).withName("http").withProtocol("TCP").endPort().endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP("10.1.2.3").endStatus()
                .build();

        Pod kept = ClusterSnapshot.pod(pod);

        assertThat(kept.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind() + "/" + o.getName()).isEqualTo("ReplicaSet/web-5d4"));
        assertThat(kept.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(kept.getSpec().getServiceAccountName()).isNull();
        assertThat(kept.getSpec().getContainers()).singleElement().satisfies(c -> {
            assertThat(c.getImage()).isNull();
            assertThat(c.getEnv()).isNullOrEmpty();
            assertThat(c.getPorts()).singleElement().satisfies(p -> assertThat(p.getName()).isEqualTo("http"));
        });
        assertThat(kept.getStatus().getPodIP()).isEqualTo("10.1.2.3");
        assertThat(kept.getStatus().getPhase()).isNull();
    }

    @Test
    void checkAndDiffReadTheSnapshotPerClusterWithItsLivePolicies() throws IOException {
        Path out = dir.resolve("snap");
        Path config = kubeconfig();
        assertThat(cli.run("snapshot", "--kubernetes", "aws-prod=" + config, "--kubernetes", "gcp-prod=" + config,
                "--namespace", "shop", "--namespace", "payments", "--out", out.toString())).isZero();

        CliRun check = new CliRun();
        assertThat(check.run("check", "--expectations", PROMISES, "--snapshot", out.toString(), "--format", "json"))
                .isEqualTo(1);
        assertThat(check.out()).contains("\"cluster\":\"aws-prod\"", "\"cluster\":\"gcp-prod\"");

        CliRun diff = new CliRun();
        assertThat(diff.run("diff", "--after", CheckCommandTest.EXAMPLES.resolve("pull-request").toString(),
                "--snapshot", out.toString(), "--format", "markdown")).isZero();
        assertThat(diff.out().lines().findFirst()).contains("**reachproof diff**: +4 allowed, -2 denied in 2 clusters;"
                + " 0 expectations broken");
    }

    @Test
    void anUnreadableKubeconfigExitsTwoNamingTheOption() {
        assertThat(cli.run("snapshot", "--kubernetes", "prod=" + dir.resolve("missing"), "--out", dir.toString())).isEqualTo(2);

        assertThat(cli.err()).isEqualTo("--kubernetes prod=" + dir.resolve("missing") + ": " + dir.resolve("missing")
                + ": cannot read the kubeconfig: no such file\n");
    }

    @Test
    void aClusterNameThatIsNoDirectoryNameExitsTwo() {
        assertThat(cli.run("snapshot", "--kubernetes", "../up=" + kubeconfig(), "--out", dir.toString())).isEqualTo(2);

        assertThat(cli.err()).contains("the cluster name becomes a directory");
        assertThat(List.of(dir.getParent().toFile().list())).doesNotContain("up");
    }
}
