package io.reachproof.protocol;

/**
 * One end of a probed cell, as reports show it: an agent (all fields known) or an external target
 * ({@code agentId} null, {@code address} set).
 */
public record EndpointRef(
        String agentId, String cluster, String cloud, String region, String node, String namespace, String pod,
        String address) {

    /** {@code namespace/pod}, or the address for an external target. */
    public String displayName() {
        return agentId == null ? address : namespace + "/" + pod;
    }
}
