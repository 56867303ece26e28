package io.reachproof.coordinator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.reachproof.coordinator.testing.MockCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubernetesClientsTest {

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        return Files.writeString(dir.resolve("kubeconfig"), text);
    }

    /** Contexts aws and gcp, on the two servers, current-context {@code current} (none when null). */
    private Path twoContexts(String awsServer, String gcpServer, String current) throws Exception {
        return file(String.join("\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- {name: aws, cluster: {server: \"" + awsServer + "\", insecure-skip-tls-verify: true}}",
                "- {name: gcp, cluster: {server: \"" + gcpServer + "\", insecure-skip-tls-verify: true}}",
                "users: [{name: u, user: {token: t}}]",
                "contexts:",
                "- {name: aws, context: {cluster: aws, user: u}}",
                "- {name: gcp, context: {cluster: gcp, user: u}}",
                current == null ? "" : "current-context: " + current,
                ""));
    }

    @Test
    void aNamedContextReachesItsClusterAndWithoutOneTheCurrentContextDoes() throws Exception {
        try (MockCluster aws = MockCluster.start(); MockCluster gcp = MockCluster.start()) {
            gcp.client().resource(new NetworkPolicyBuilder().withNewMetadata().withNamespace("shop").withName("deny-all")
                    .endMetadata().withNewSpec().withNewPodSelector().endPodSelector().endSpec().build()).create();
            Path kubeconfig = twoContexts(aws.url(), gcp.url(), "aws");

            try (KubernetesClient named = KubernetesClients.connect(kubeconfig, "gcp");
                    KubernetesClient current = KubernetesClients.connect(kubeconfig, null)) {
                assertThat(named.getMasterUrl()).hasToString(gcp.url());
                assertThat(named.network().v1().networkPolicies().inAnyNamespace().list().getItems()).hasSize(1);
                assertThat(current.getMasterUrl()).hasToString(aws.url());
                assertThat(current.network().v1().networkPolicies().inAnyNamespace().list().getItems()).isEmpty();
            }
        }
    }

    @Test
    void aMissingFileIsAnErrorNamingIt() {
        Path missing = dir.resolve("missing");

        assertThatThrownBy(() -> KubernetesClients.connect(missing, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(missing + ": cannot read the kubeconfig: no such file");
    }

    @Test
    void anEmptyFileIsNoKubeconfig() throws Exception {
        Path empty = file("\n");

        assertThatThrownBy(() -> KubernetesClients.connect(empty, null))
                .hasMessage(empty + ": not a kubeconfig: the file is empty");
    }

    @Test
    void aYamlSyntaxErrorIsNamedWithItsLineAndColumn() throws Exception {
        Path broken = file("apiVersion: v1\nclusters: [\n");

        assertThatThrownBy(() -> KubernetesClients.connect(broken, null))
                .hasMessage(broken + ":3:1: not a kubeconfig: expected the node content, but found '<stream end>'");
    }

    @Test
    void yamlOfAnotherShapeIsNoKubeconfig() throws Exception {
        Path list = file("kind: Config\nclusters: 5\n");

        assertThatThrownBy(() -> KubernetesClients.connect(list, null)).hasMessage(list + ": not a kubeconfig: Cannot"
                + " deserialize value of type `java.util.ArrayList<io.fabric8.kubernetes.api.model.NamedCluster>` from"
                + " Integer value (token `JsonToken.VALUE_NUMBER_INT`)");
    }

    @Test
    void withoutACurrentContextNothingIsGuessed() throws Exception {
        // fabric8 alone would fall back to https://kubernetes.default.svc, the cluster the pod runs in
        Path kubeconfig = twoContexts("https://127.0.0.1:6443", "https://127.0.0.2:6443", null);

        assertThatThrownBy(() -> KubernetesClients.connect(kubeconfig, null))
                .hasMessage(kubeconfig + ": the kubeconfig has no current-context");
    }

    @Test
    void anUnknownContextIsAnErrorListingTheContexts() throws Exception {
        Path kubeconfig = twoContexts("https://127.0.0.1:6443", "https://127.0.0.2:6443", "aws");

        assertThatThrownBy(() -> KubernetesClients.connect(kubeconfig, "azure"))
                .hasMessage(kubeconfig + ": the kubeconfig has no context azure (contexts: aws, gcp)");
    }

    @Test
    void aContextNamingAClusterTheFileDoesNotDefineIsAnError() throws Exception {
        Path kubeconfig = file(String.join("\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters: [{name: aws, cluster: {server: \"https://127.0.0.1:6443\"}}]",
                "contexts: [{name: gcp, context: {cluster: gcp}}]",
                "current-context: gcp",
                ""));

        assertThatThrownBy(() -> KubernetesClients.connect(kubeconfig, null))
                .hasMessage(kubeconfig + ": context gcp names cluster gcp, which the kubeconfig does not define with a"
                        + " server");
    }
}
