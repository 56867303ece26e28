package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

/**
 * Workload mode, first phase of a round: a destination pod on the agent's node and a port other agents
 * will probe in it. The agent makes sure the port answers inside the pod's network namespace: the app
 * when it serves the port, otherwise a listener the agent borrows there for the round. It reports what
 * it found as a {@link TargetReadiness}.
 *
 * @param path HTTP only: the path probes will request (the borrowed listener answers its identity there)
 */
public record PodListener(PodRef pod, Responder port, String path) {

    public PodListener {
        requireNonNull(pod, "pod");
        requireNonNull(port, "port");
    }
}
