package io.reachproof.agent.netns;

import io.reachproof.protocol.PodRef;
import java.util.Optional;

/**
 * Finds the network namespace of a pod on this node, without running or reading anything inside the pod.
 * Implementations: from {@code /proc} (a Kubernetes node, {@code hostPID}) and from named namespaces
 * ({@code /run/netns}, labs and tests).
 */
public interface PodNetworkNamespaces {

    /** The pod's network namespace, or empty when the pod has none on this node (not here, or gone). */
    Optional<NetnsRef> find(PodRef pod);
}
