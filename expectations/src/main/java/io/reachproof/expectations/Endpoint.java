package io.reachproof.expectations;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * Something a probe can start from or go to: an agent pod (cluster, cloud, namespace and pod with
 * their labels, addresses), or an external destination (a CIDR or host name outside the clusters,
 * {@link #external()} true, no cluster, namespace or pod).
 *
 * @param id unique within a fleet: the agent id, or the external address itself
 * @param ports the ports the endpoint answers probes on (an agent's responders; HTTP ones with the check
 *     that proves them), which {@code fromPolicies} derives cells for; empty when unknown
 */
public record Endpoint(
        String id,
        String cluster,
        String cloud,
        String namespace,
        Map<String, String> namespaceLabels,
        String pod,
        Map<String, String> podLabels,
        List<String> addresses,
        boolean external,
        List<PortSpec> ports) {

    public Endpoint {
        requireNonNull(id, "id");
        cluster = cluster == null ? "" : cluster;
        cloud = cloud == null ? "" : cloud;
        namespace = namespace == null ? "" : namespace;
        pod = pod == null ? "" : pod;
        namespaceLabels = Map.copyOf(requireNonNull(namespaceLabels, "namespaceLabels"));
        podLabels = Map.copyOf(requireNonNull(podLabels, "podLabels"));
        addresses = List.copyOf(requireNonNull(addresses, "addresses"));
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /** This endpoint answering on {@code value}. */
    public Endpoint withPorts(List<PortSpec> value) {
        return new Endpoint(id, cluster, cloud, namespace, namespaceLabels, pod, podLabels, addresses, external, value);
    }

    /** An agent pod. */
    public static Endpoint pod(String id, String cluster, String cloud, String namespace,
            Map<String, String> namespaceLabels, String pod, Map<String, String> podLabels, List<String> addresses) {
        return new Endpoint(id, cluster, cloud, namespace, namespaceLabels, pod, podLabels, addresses, false, List.of());
    }

    /** An external destination named by a CIDR or host name. */
    public static Endpoint external(String address) {
        return new Endpoint(address, "", "", "", Map.of(), "", Map.of(), List.of(address), true, List.of());
    }

    /** {@code namespace/pod} for pods, the address for external destinations. */
    public String displayName() {
        return external ? id : namespace + "/" + pod;
    }
}
