package io.reachproof.coordinator.plan;

import static java.util.Objects.requireNonNull;

import io.reachproof.expectations.GroupCell;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.ProbeTask;

/**
 * One cell of a round at agent level: {@code from} probes {@code to} (an agent) or
 * {@code externalAddress} for {@code cell}, in the cluster pair {@code fromCluster -> toCluster}.
 * Either {@code task} is set (a probe is sent) or {@code unplanned} says why no probe could be.
 * {@code decidedBy}: for a cell whose verdict the NetworkPolicies set ({@code spec.fromPolicies}), the
 * policy that decided it ({@code NetworkPolicy ns/name (file:line)}); null otherwise.
 *
 * <p>A cell unplanned for {@link InconclusiveReason#NO_AGENTS} names the agents it has: {@code from}, or
 * {@code to}, or both are null (the group has no agent in that cluster).
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
        String decidedBy) {

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
        if (unplanned != InconclusiveReason.NO_AGENTS) {
            requireNonNull(from, "from");
            if (to == null && externalAddress == null) {
                throw new IllegalArgumentException("exactly one of to and externalAddress must be set");
            }
        }
    }

    public boolean external() {
        return externalAddress != null;
    }
}
