package io.reachproof.coordinator.plan;

import java.util.List;
import java.util.Map;

/** The clusters in workload mode and their probeable pods now (each round plans with what this says then). */
@FunctionalInterface
public interface WorkloadPods {

    /** No cluster is in workload mode: groups select agents everywhere. */
    WorkloadPods NONE = Map::of;

    /** Each cluster in workload mode, with its pods. */
    Map<String, List<WorkloadPod>> byCluster();
}
