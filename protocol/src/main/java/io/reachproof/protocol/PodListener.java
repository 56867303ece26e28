package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

/**
 * Workload mode, first phase of a round: a destination pod on the agent's node and a port other agents
 * will probe in it. The agent makes sure the port answers inside the pod's network namespace: the app
 * when it serves the port, otherwise a listener the agent borrows there for the round. It reports what
 * it found as a {@link TargetReadiness}.
 *
 * @param path HTTP only: the path probes will request (the borrowed listener answers its identity there)
 * @param declared the pod's containers declare the port: it is the app's, and never borrowed (an app still
 *     starting must find it free), so it answers only when the app serves it
 */
public record PodListener(PodRef pod, Responder port, String path, boolean declared) {

    public PodListener {
        requireNonNull(pod, "pod");
        requireNonNull(port, "port");
    }

    /** A port the pod does not declare: borrowed when the app does not serve it. */
    public PodListener(PodRef pod, Responder port, String path) {
        this(pod, port, path, false);
    }
}
