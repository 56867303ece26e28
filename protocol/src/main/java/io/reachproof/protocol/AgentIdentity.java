package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who an agent is and where it runs. Sent when registering; its {@code agentId} is what responders
 * answer with so a probe proves who answered.
 */
public record AgentIdentity(
        String agentId,
        String cluster,
        String cloud,
        String region,
        String node,
        String namespace,
        String pod,
        List<String> addresses,
        Map<String, String> podLabels,
        Map<String, String> namespaceLabels,
        List<Responder> responders,
        Set<String> capabilities) {

    public AgentIdentity {
        requireNonNull(agentId, "agentId");
        if (agentId.isBlank()) {
            throw new IllegalArgumentException("agentId must not be blank");
        }
        requireNonNull(cluster, "cluster");
        cloud = cloud == null ? "" : cloud;
        region = region == null ? "" : region;
        node = node == null ? "" : node;
        namespace = namespace == null ? "" : namespace;
        pod = pod == null ? "" : pod;
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        podLabels = podLabels == null ? Map.of() : Map.copyOf(podLabels);
        namespaceLabels = namespaceLabels == null ? Map.of() : Map.copyOf(namespaceLabels);
        responders = responders == null ? List.of() : List.copyOf(responders);
        capabilities = capabilities == null ? Set.of() : Set.copyOf(capabilities);
    }
}
