package io.reachproof.protocol;

/**
 * One end of a probed cell, as reports show it: an agent (all fields known), an external target
 * ({@code agentId} null, {@code address} set), or no agent at all (both null; the group had no agent in
 * {@code cluster}, see {@link InconclusiveReason#NO_AGENTS}). In workload mode an end is a real pod:
 * {@code namespace}, {@code pod} and {@code address} are the pod's, {@code node} its node, and {@code agentId}
 * the agent on that node that probes from it or prepares it (null when none runs there, see
 * {@link InconclusiveReason#NO_AGENT_ON_NODE}).
 */
public record EndpointRef(
        String agentId, String cluster, String cloud, String region, String node, String namespace, String pod,
        String address) {

    /** How reports name the missing end of a cell no agent could probe. */
    public static final String NO_AGENT = "(no agent)";

    /** The end of a cell whose group has no agent in {@code cluster}. */
    public static EndpointRef noAgent(String cluster) {
        return new EndpointRef(null, cluster, null, null, null, null, null, null);
    }

    /** An external target: an address, no agent. */
    public static EndpointRef external(String address) {
        return new EndpointRef(null, null, null, null, null, null, null, address);
    }

    /** True for an external target. */
    public boolean externalTarget() {
        return agentId == null && pod == null && address != null;
    }

    /** {@code namespace/pod}, the address for an external target, or {@value #NO_AGENT}. */
    public String displayName() {
        if (agentId != null || pod != null) {
            return namespace + "/" + pod;
        }
        return address != null ? address : NO_AGENT;
    }
}
