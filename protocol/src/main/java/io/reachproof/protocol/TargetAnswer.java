package io.reachproof.protocol;

/** Who answers a destination pod's port in a workload-mode round (see {@link TargetReadiness}). */
public enum TargetAnswer {
    /** The pod's own app serves the port: a probe is answered by the app, no identity to check. */
    APP,
    /** The port was free; the node agent borrowed it inside the pod's namespace and answers with {@link PodRef#peerId()}. */
    BORROWED,
    /** Nothing answered the port's own check from inside the pod: probes of it prove nothing (inconclusive). */
    NONE;
}
