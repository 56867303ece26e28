package io.reachproof.cli;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Writes what {@code check} and {@code diff} need from one cluster, read through its API server (read only:
 * list Namespaces, Pods and NetworkPolicies): {@code DIR/CLUSTER/topology.yaml} (Namespaces with their labels; Pods
 * with labels, owner references, IPs and declared container ports) and {@code DIR/CLUSTER/policies/NS/NAME.yaml}
 * (each NetworkPolicy's name, namespace, labels and spec). Every object is rebuilt from those fields only, so
 * nothing else a pod carries (env values, images, volumes, annotations, service-account tokens) is ever written;
 * Secrets and ConfigMaps are never read. Pods that have finished (Succeeded, Failed) are left out: nothing can
 * reach them.
 */
final class ClusterSnapshot {

    private static final Set<String> FINISHED = Set.of("Succeeded", "Failed");

    private final KubernetesSerialization yaml = new KubernetesSerialization();

    /** What was written for one cluster. */
    record Written(String cluster, Path dir, int namespaces, int pods, int policies) {
    }

    /** Writes the snapshot of {@code client}'s cluster to {@code out/cluster}; {@code namespaces} empty: all of them. */
    Written write(KubernetesClient client, String cluster, List<String> namespaces, Path out) throws IOException {
        requireNonNull(client, "client");
        List<Namespace> nsObjects = new ArrayList<>();
        List<Pod> pods = new ArrayList<>();
        List<NetworkPolicy> policies = new ArrayList<>();
        if (namespaces.isEmpty()) {
            nsObjects.addAll(client.namespaces().list().getItems());
            pods.addAll(client.pods().inAnyNamespace().list().getItems());
            policies.addAll(client.network().v1().networkPolicies().inAnyNamespace().list().getItems());
        } else {
            for (String ns : namespaces) {
                Namespace n = client.namespaces().withName(ns).get();
                if (n != null) {
                    nsObjects.add(n);
                }
                pods.addAll(client.pods().inNamespace(ns).list().getItems());
                policies.addAll(client.network().v1().networkPolicies().inNamespace(ns).list().getItems());
            }
        }
        Path dir = out.resolve(cluster);
        Path policyDir = dir.resolve("policies");
        Files.createDirectories(policyDir);
        List<HasMetadata> topology = new ArrayList<>();
        nsObjects.stream().sorted(Comparator.comparing(n -> n.getMetadata().getName())).map(ClusterSnapshot::namespace)
                .forEach(topology::add);
        List<Pod> kept = pods.stream()
                .filter(p -> p.getStatus() == null || !FINISHED.contains(p.getStatus().getPhase()))
                .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getNamespace()).thenComparing(p -> p.getMetadata().getName()))
                .map(ClusterSnapshot::pod).toList();
        topology.addAll(kept);
        Files.writeString(dir.resolve("topology.yaml"), "# reachproof snapshot of cluster " + cluster
                + ": Namespaces and Pods (labels, owners, IPs, declared ports only)\n"
                + yaml.asYaml(new KubernetesListBuilder().withItems(topology).build()));
        for (NetworkPolicy p : policies) {
            Path nsDir = policyDir.resolve(p.getMetadata().getNamespace());
            Files.createDirectories(nsDir);
            Files.writeString(nsDir.resolve(p.getMetadata().getName() + ".yaml"), yaml.asYaml(policy(p)));
        }
        return new Written(cluster, dir, nsObjects.size(), kept.size(), policies.size());
    }

    static Namespace namespace(Namespace n) {
        return new NamespaceBuilder().withNewMetadata().withName(n.getMetadata().getName())
                .withLabels(n.getMetadata().getLabels()).endMetadata().build();
    }

    static Pod pod(Pod p) {
        List<OwnerReference> owners = p.getMetadata().getOwnerReferences() == null ? List.of()
                : p.getMetadata().getOwnerReferences().stream().map(o -> new OwnerReferenceBuilder()
                        .withApiVersion(o.getApiVersion()).withKind(o.getKind()).withName(o.getName()).withUid(o.getUid())
                        .build()).toList();
        List<Container> containers = p.getSpec() == null || p.getSpec().getContainers() == null ? List.of()
                : p.getSpec().getContainers().stream().map(c -> new ContainerBuilder().withName(c.getName())
                        .withPorts(ports(c.getPorts())).build()).toList();
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(p.getMetadata().getName())
                .withNamespace(p.getMetadata().getNamespace()).withLabels(p.getMetadata().getLabels())
                .withOwnerReferences(owners).endMetadata()
                .withNewSpec().withContainers(containers).endSpec();
        if (p.getStatus() != null && (p.getStatus().getPodIP() != null || p.getStatus().getPodIPs() != null)) {
            List<PodIP> ips = p.getStatus().getPodIPs() == null ? List.of()
                    : p.getStatus().getPodIPs().stream().map(ip -> new PodIPBuilder().withIp(ip.getIp()).build()).toList();
            pod.withNewStatus().withPodIP(p.getStatus().getPodIP()).withPodIPs(ips).endStatus();
        }
        return pod.build();
    }

    private static List<ContainerPort> ports(List<ContainerPort> ports) {
        return ports == null ? List.of() : ports.stream().map(port -> new ContainerPortBuilder()
                .withName(port.getName()).withContainerPort(port.getContainerPort()).withProtocol(port.getProtocol())
                .build()).toList();
    }

    static NetworkPolicy policy(NetworkPolicy p) {
        return new NetworkPolicyBuilder().withNewMetadata().withName(p.getMetadata().getName())
                .withNamespace(p.getMetadata().getNamespace()).withLabels(p.getMetadata().getLabels()).endMetadata()
                .withSpec(p.getSpec()).build();
    }
}
