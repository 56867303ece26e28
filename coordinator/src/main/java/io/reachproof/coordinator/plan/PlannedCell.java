package io.reachproof.coordinator.plan;

import static java.util.Objects.requireNonNull;

import io.reachproof.expectations.GroupCell;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.PodRef;

/**
 * One cell of a round at agent level: {@code from} probes {@code to} (an agent) or
 * {@code externalAddress} for {@code cell}, in the cluster pair {@code fromCluster -> toCluster}.
 * Either {@code task} is set (a probe is sent) or {@code unplanned} says why no probe could be.
 * {@code decidedBy}: for a cell whose verdict the NetworkPolicies set ({@code spec.fromPolicies}), the
 * policy that decided it ({@code NetworkPolicy ns/name (file:line)}), and {@code explain} the policy engine's
 * reason in one line (the allowing rules or the isolating policies of each side); both null otherwise.
 *
 * <p>A cell unplanned for {@link InconclusiveReason#NO_AGENTS} names the agents it has: {@code from}, or
 * {@code to}, or both are null (the group has no agent in that cluster).
 *
 * <p>Workload mode: {@code fromPod} and {@code toPod} are the real pods the probe leaves from and arrives at, and
 * {@code from} and {@code to} the agents on their nodes (the one that probes from {@code fromPod}, the one that
 * prepares {@code toPod}); an agent is null when none runs on the pod's node
 * ({@link InconclusiveReason#NO_AGENT_ON_NODE}). Both pods are null in agent mode.
 */
public record PlannedCell(
        GroupCell cell,
        String fromCluster,
        String toCluster,
        AgentIdentity from,
        AgentIdentity to,
        String externalAddress,
        ProbeTask task,
        InconclusiveReason unplanned,
        String decidedBy,
        String explain,
        WorkloadPod fromPod,
        WorkloadPod toPod) {

    public PlannedCell {
        requireNonNull(cell, "cell");
        requireNonNull(fromCluster, "fromCluster");
        requireNonNull(toCluster, "toCluster");
        if (to != null && externalAddress != null) {
            throw new IllegalArgumentException("at most one of to and externalAddress may be set");
        }
        if ((task == null) == (unplanned == null)) {
            throw new IllegalArgumentException("exactly one of task and unplanned must be set");
        }
        if (toPod != null && externalAddress != null) {
            throw new IllegalArgumentException("at most one of toPod and externalAddress may be set");
        }
        if (unplanned == InconclusiveReason.NO_AGENT_ON_NODE) {
            if (fromPod == null && toPod == null) {
                throw new IllegalArgumentException("a cell without an agent on a pod's node names its pods");
            }
        } else if (unplanned != InconclusiveReason.NO_AGENTS) {
            requireNonNull(from, "from");
            if (to == null && externalAddress == null) {
                throw new IllegalArgumentException("exactly one of to and externalAddress must be set");
            }
        }
    }

    /** An agent-mode cell: no pods. */
    public PlannedCell(GroupCell cell, String fromCluster, String toCluster, AgentIdentity from, AgentIdentity to,
            String externalAddress, ProbeTask task, InconclusiveReason unplanned, String decidedBy, String explain) {
        this(cell, fromCluster, toCluster, from, to, externalAddress, task, unplanned, decidedBy, explain, null, null);
    }

    /** True for a workload-mode cell: it probes from a real pod. */
    public boolean workload() {
        return fromPod != null;
    }

    /** The destination pod as the agent protocol names it; null in agent mode and for external cells. */
    public PodRef targetPod() {
        return toPod == null ? null : toPod.ref();
    }

    public boolean external() {
        return externalAddress != null;
    }
}
