package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who an agent is and where it runs. Sent when registering; its {@code agentId} is what responders
 * answer with so a probe proves who answered.
 *
 * <p>Ids and names are bounded: {@code agentId} and {@code cluster} are 1..{@value #MAX_NAME_LENGTH}
 * characters of {@code [A-Za-z0-9._:/-]} (a Kubernetes name, or {@code namespace/pod}); {@code cloud},
 * {@code region}, {@code node}, {@code namespace} and {@code pod} the same or empty.
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

    public static final int MAX_NAME_LENGTH = 253;

    /**
     * The capability of an agent in workload mode: it enters the network namespaces of the pods on its
     * node, probes from them and borrows listeners in them (see {@link PodListener}).
     */
    public static final String CAPABILITY_WORKLOAD = "workload";
    static final String NAME_CHARACTERS = "[A-Za-z0-9._:/-]";

    public AgentIdentity {
        requireNonNull(agentId, "agentId");
        if (agentId.isBlank()) {
            throw new IllegalArgumentException("agentId must not be blank");
        }
        checkName("agentId", agentId);
        requireNonNull(cluster, "cluster");
        checkName("cluster", cluster);
        cloud = optionalName("cloud", cloud);
        region = optionalName("region", region);
        node = optionalName("node", node);
        namespace = optionalName("namespace", namespace);
        pod = optionalName("pod", pod);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        podLabels = podLabels == null ? Map.of() : Map.copyOf(podLabels);
        namespaceLabels = namespaceLabels == null ? Map.of() : Map.copyOf(namespaceLabels);
        responders = responders == null ? List.of() : List.copyOf(responders);
        capabilities = capabilities == null ? Set.of() : Set.copyOf(capabilities);
    }

    /**
     * {@code value} if it is a valid id or name: 1..{@value #MAX_NAME_LENGTH} characters of
     * {@code [A-Za-z0-9._:/-]}; otherwise an {@link IllegalArgumentException} naming {@code field} and the rule.
     */
    public static String checkName(String field, String value) {
        requireNonNull(value, field);
        String rule = field + " must be 1.." + MAX_NAME_LENGTH + " characters of " + NAME_CHARACTERS;
        if (value.isEmpty() || value.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(rule + ": got " + value.length() + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '/' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException(rule + ": character " + (i + 1) + " is "
                        + String.format("U+%04X", (int) c));
            }
        }
        return value;
    }

    private static String optionalName(String field, String value) {
        return value == null || value.isEmpty() ? "" : checkName(field, value);
    }
}
