package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

/**
 * A real pod a workload-mode probe leaves from or arrives at.
 *
 * @param namespace the pod's Kubernetes namespace
 * @param name the pod's name
 * @param uid the pod's {@code metadata.uid}: how its node agent finds its network namespace
 * @param ip the pod's IP ({@code status.podIP})
 */
public record PodRef(String namespace, String name, String uid, String ip) {

    /** What a listener borrowed inside a pod answers with as its identity: {@code pod:NAMESPACE/NAME}. */
    public static final String PEER_ID_PREFIX = "pod:";

    public PodRef {
        requireNonNull(namespace, "namespace");
        requireNonNull(name, "name");
        requireNonNull(uid, "uid");
        requireNonNull(ip, "ip");
    }

    /** The identity a borrowed listener in this pod answers with, and a probe of it expects. */
    public String peerId() {
        return PEER_ID_PREFIX + namespace + "/" + name;
    }

    /** {@code namespace/name}, as reports show a pod. */
    public String displayName() {
        return namespace + "/" + name;
    }
}
