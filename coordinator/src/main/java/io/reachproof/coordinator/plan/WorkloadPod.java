package io.reachproof.coordinator.plan;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.PodRef;
import io.reachproof.protocol.Responder;
import java.util.List;
import java.util.Map;

/**
 * A real pod of a watched cluster, as workload mode plans it: where it runs (its node, whose agent probes from
 * it and prepares it), who it is to NetworkPolicies (namespace, labels, namespace labels) and the ports its
 * containers declare.
 */
public record WorkloadPod(
        String cluster,
        String namespace,
        String name,
        String uid,
        String ip,
        String node,
        Map<String, String> labels,
        Map<String, String> namespaceLabels,
        List<Responder> ports) {

    public WorkloadPod {
        requireNonNull(cluster, "cluster");
        requireNonNull(namespace, "namespace");
        requireNonNull(name, "name");
        requireNonNull(uid, "uid");
        requireNonNull(ip, "ip");
        requireNonNull(node, "node");
        labels = Map.copyOf(requireNonNull(labels, "labels"));
        namespaceLabels = Map.copyOf(requireNonNull(namespaceLabels, "namespaceLabels"));
        ports = List.copyOf(requireNonNull(ports, "ports"));
    }

    /** The pod as the agent protocol names it. */
    public PodRef ref() {
        return new PodRef(namespace, name, uid, ip);
    }
}
