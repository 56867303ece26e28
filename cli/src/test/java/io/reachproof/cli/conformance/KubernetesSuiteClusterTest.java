package io.reachproof.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/** What a real-cluster run says about a suite pod that does not run, and when it stops waiting for one. */
class KubernetesSuiteClusterTest {

    private static PodBuilder pending() {
        return new PodBuilder().withNewMetadata().withNamespace("rpc-ingress").withName("server").endMetadata()
                .withNewSpec().withNodeName("node-7").endSpec();
    }

    private static Pod waiting(String reason, String message) {
        return pending().withNewStatus().withPhase("Pending").addNewContainerStatus().withName("pod").withNewState()
                .withNewWaiting().withReason(reason).withMessage(message).endWaiting().endState().endContainerStatus()
                .endStatus().build();
    }

    @Test
    void aPodWaitingForItsImageIsNamedWithTheReasonAndTheMessageAndIsWaitedFor() {
        Pod pod = waiting("ImagePullBackOff", "Back-off pulling image \"registry.k8s.io/pause:3.10\"");

        assertThat(KubernetesSuiteCluster.why(pod)).isEqualTo("phase Pending; container pod waiting: ImagePullBackOff"
                + " (Back-off pulling image \"registry.k8s.io/pause:3.10\"); no address yet");
        assertThat(KubernetesSuiteCluster.hopeless(pod)).as("a registry may come back").isFalse();
    }

    @Test
    void aPodNoKubeletTookSaysSoAndAnUnschedulableConditionIsQuoted() {
        assertThat(KubernetesSuiteCluster.why(pending().build())).isEqualTo("it has no status (no kubelet took it: is"
                + " node node-7 a node of this cluster?)");
        Pod unschedulable = pending().withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled")
                .withStatus("False").withMessage("0/3 nodes are available").endCondition().endStatus().build();
        assertThat(KubernetesSuiteCluster.why(unschedulable)).isEqualTo("phase Pending; PodScheduled: 0/3 nodes are"
                + " available; no address yet");
        assertThat(KubernetesSuiteCluster.why(null)).isEqualTo("it is gone");
    }

    @Test
    void anEndedPodOrAnImageNameNoRegistryCanHaveIsNotWaitedFor() {
        assertThat(KubernetesSuiteCluster.hopeless(pending().withNewStatus().withPhase("Failed").endStatus().build()))
                .isTrue();
        assertThat(KubernetesSuiteCluster.hopeless(waiting("InvalidImageName", "couldn't parse image name"))).isTrue();
        assertThat(KubernetesSuiteCluster.hopeless(pending().withNewStatus().withPhase("Pending").endStatus().build()))
                .isFalse();
    }

    @Test
    void aPrefixMustLeaveEveryScratchNamespaceADnsLabel() {
        assertThat(KubernetesSuiteCluster.prefixProblem("reachproof-conformance-1a2b3")).isEmpty();
        assertThat(KubernetesSuiteCluster.prefixProblem("a".repeat(52))).isEmpty();
        assertThat(KubernetesSuiteCluster.prefixProblem("a".repeat(53))).hasValueSatisfying(p -> assertThat(p)
                .startsWith("too long"));
        assertThat(KubernetesSuiteCluster.prefixProblem("-rpc")).hasValueSatisfying(p -> assertThat(p)
                .startsWith("not a DNS label"));
        assertThat(KubernetesSuiteCluster.prefixProblem("RPC")).isPresent();
    }
}
