package io.reachproof.coordinator.kube;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.reachproof.coordinator.plan.WorkloadPod;
import io.reachproof.protocol.Responder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pods of one watched cluster that workload mode can probe as, kept current by fabric8 informers on Pods
 * and Namespaces (all namespaces): running pods with an address on a node, not on the host network (a
 * host-network pod shares its node's namespace: probing "as" it proves nothing about its policies), with their
 * labels, their namespace's labels and the TCP and UDP ports their containers declare.
 */
public final class PodInventory implements AutoCloseable {

    private final String cluster;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Namespace> namespaces;

    private PodInventory(String cluster, SharedIndexInformer<Pod> pods, SharedIndexInformer<Namespace> namespaces) {
        this.cluster = cluster;
        this.pods = pods;
        this.namespaces = namespaces;
    }

    /** Starts the informers of {@code cluster} and returns once both have listed what is there. */
    public static PodInventory start(KubernetesClient client, String cluster) {
        requireNonNull(client, "client");
        requireNonNull(cluster, "cluster");
        SharedIndexInformer<Namespace> namespaces = client.namespaces().inform();
        SharedIndexInformer<Pod> pods;
        try {
            pods = client.pods().inAnyNamespace().inform();
        } catch (RuntimeException e) {
            namespaces.close();
            throw e;
        }
        return new PodInventory(cluster, pods, namespaces);
    }

    /** The probeable pods now, ordered by namespace and name. */
    public List<WorkloadPod> pods() {
        Map<String, Map<String, String>> nsLabels = new HashMap<>();
        for (Namespace ns : namespaces.getStore().list()) {
            nsLabels.put(ns.getMetadata().getName(), labels(ns.getMetadata().getLabels()));
        }
        List<WorkloadPod> all = new ArrayList<>();
        for (Pod p : pods.getStore().list()) {
            if (p.getStatus() == null || !"Running".equals(p.getStatus().getPhase()) || p.getStatus().getPodIP() == null
                    || p.getSpec() == null || p.getSpec().getNodeName() == null
                    || Boolean.TRUE.equals(p.getSpec().getHostNetwork())) {
                continue;
            }
            String namespace = p.getMetadata().getNamespace();
            all.add(new WorkloadPod(cluster, namespace, p.getMetadata().getName(), p.getMetadata().getUid(),
                    p.getStatus().getPodIP(), p.getSpec().getNodeName(), labels(p.getMetadata().getLabels()),
                    nsLabels.getOrDefault(namespace, Map.of()), ports(p)));
        }
        all.sort(Comparator.comparing(WorkloadPod::namespace).thenComparing(WorkloadPod::name));
        return all;
    }

    private static List<Responder> ports(Pod p) {
        List<Responder> ports = new ArrayList<>();
        for (Container c : p.getSpec().getContainers()) {
            if (c.getPorts() == null) {
                continue;
            }
            for (ContainerPort port : c.getPorts()) {
                String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
                if (port.getContainerPort() != null && (protocol.equals("TCP") || protocol.equals("UDP"))) {
                    Responder r = new Responder(port.getContainerPort(), protocol);
                    if (!ports.contains(r)) {
                        ports.add(r);
                    }
                }
            }
        }
        return ports;
    }

    private static Map<String, String> labels(Map<String, String> labels) {
        return labels == null ? Map.of() : labels;
    }

    public String cluster() {
        return cluster;
    }

    @Override
    public void close() {
        pods.close();
        namespaces.close();
    }
}
