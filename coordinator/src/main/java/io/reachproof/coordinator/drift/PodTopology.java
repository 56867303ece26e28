package io.reachproof.coordinator.drift;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.reachproof.coordinator.plan.WorkloadPod;
import io.reachproof.policy.Located;
import io.reachproof.policy.PolicyInput;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A cluster's pods as the policy engine reads them: Namespaces (with their labels) and Pods (labels, IP, ports). */
public final class PodTopology {

    private PodTopology() {
    }

    public static PolicyInput of(List<WorkloadPod> pods) {
        Map<String, Namespace> namespaces = new TreeMap<>();
        List<Pod> out = pods.stream().map(p -> {
            namespaces.computeIfAbsent(p.namespace(), n -> new NamespaceBuilder().withNewMetadata().withName(n)
                    .withLabels(p.namespaceLabels()).endMetadata().build());
            return new PodBuilder().withNewMetadata().withName(p.name()).withNamespace(p.namespace()).withUid(p.uid())
                    .withLabels(p.labels()).endMetadata()
                    .withNewSpec().addNewContainer().withName("app").withPorts(p.ports().stream()
                            .map(r -> new ContainerPortBuilder().withContainerPort(r.port()).withProtocol(r.protocol())
                                    .build()).toList()).endContainer().endSpec()
                    .withNewStatus().withPodIP(p.ip()).endStatus().build();
        }).toList();
        return new PolicyInput(List.of(), namespaces.values().stream().map(n -> Located.inCode(n, "cluster")).toList(),
                out.stream().map(p -> Located.inCode(p, "cluster")).toList(), List.of());
    }
}
