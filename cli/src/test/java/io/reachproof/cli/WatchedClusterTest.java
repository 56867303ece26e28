package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WatchedClusterTest {

    @Test
    void aPlainNameIsTheCoordinatorsOwnCluster() {
        WatchedCluster own = WatchedCluster.parse("aws-prod");

        assertThat(own).isEqualTo(new WatchedCluster("aws-prod", "aws-prod", Optional.empty(), Optional.empty()));
        assertThat(own.own()).isTrue();
        assertThat(own.describeAccess(null)).isEqualTo("the coordinator's own cluster, service account or ~/.kube/config");
        assertThat(own.describeAccess(Path.of("/k/own.yaml"))).isEqualTo("the coordinator's own cluster, kubeconfig /k/own.yaml");
    }

    @Test
    void anotherClusterComesWithItsKubeconfigAndMaybeAContextAfterTheLastHash() {
        WatchedCluster gcp = WatchedCluster.parse("gcp-prod=/k/gcp.yaml");
        WatchedCluster azure = WatchedCluster.parse("azure-prod=/k/#shared.yaml#azure-admin");

        assertThat(gcp).isEqualTo(new WatchedCluster("gcp-prod=/k/gcp.yaml", "gcp-prod", Optional.of(Path.of("/k/gcp.yaml")),
                Optional.empty()));
        assertThat(gcp.own()).isFalse();
        assertThat(gcp.describeAccess(Path.of("/k/own.yaml"))).isEqualTo("kubeconfig /k/gcp.yaml");
        assertThat(azure.kubeconfig()).contains(Path.of("/k/#shared.yaml"));
        assertThat(azure.context()).contains("azure-admin");
        assertThat(azure.describeAccess(null)).isEqualTo("kubeconfig /k/#shared.yaml context azure-admin");
    }

    @Test
    void theValuesKeepTheirOrder() {
        assertThat(WatchedCluster.parseAll(List.of("gcp-prod=/k/gcp.yaml", "aws-prod", "azure-prod=/k/azure.yaml")))
                .extracting(WatchedCluster::name).containsExactly("gcp-prod", "aws-prod", "azure-prod");
    }

    @Test
    void aClusterGivenTwiceIsAnErrorNamingBothValues() {
        assertThatThrownBy(() -> WatchedCluster.parseAll(List.of("gcp-prod", "gcp-prod=/k/gcp.yaml")))
                .isInstanceOf(UserError.class)
                .hasMessage("--kubernetes gcp-prod=/k/gcp.yaml: cluster gcp-prod is watched already (--kubernetes gcp-prod)");
    }
}
