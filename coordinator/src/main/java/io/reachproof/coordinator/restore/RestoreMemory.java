package io.reachproof.coordinator.restore;

import java.util.List;

/**
 * What rollback must not forget when the leader changes or the coordinator restarts: the proven policy sets of each
 * cluster (so a new leader restores to the same last proven set without waiting for a round of its own), the
 * rollbacks done, and which changed contents were rolled back already (so a change re-applied by a GitOps controller is
 * never rolled back a second time by another leader). The coordinator's store keeps them; {@link #NONE} keeps nothing
 * beyond the leader's own memory.
 *
 * <p>Writes may be buffered by the implementation; reads answer what was written so far.
 */
public interface RestoreMemory {

    /** {@code version} was proven (again, when its id is known): kept with its newest proof. */
    void proven(ProvenPolicies.Version version);

    /** The newest {@code newest} proven sets of {@code cluster}, newest proof first. */
    List<ProvenPolicies.Version> provenSets(String cluster, int newest);

    /** A rollback was done (or dry-run, or refused). */
    void rolledBack(RollbackRecord record);

    /** The newest {@code newest} rollbacks of every cluster, newest first. */
    List<RollbackRecord> rollbacks(int newest);

    /** The changed content {@code content} ({@code cluster/namespace/name=digest}) was rolled back. */
    void contentRolledBack(String content);

    /** Whether {@code content} was rolled back once already, by any leader. */
    boolean wasRolledBack(String content);

    /** Remembers nothing: what the leader saw is all there is. */
    RestoreMemory NONE = new RestoreMemory() {
        @Override
        public void proven(ProvenPolicies.Version version) {
        }

        @Override
        public List<ProvenPolicies.Version> provenSets(String cluster, int newest) {
            return List.of();
        }

        @Override
        public void rolledBack(RollbackRecord record) {
        }

        @Override
        public List<RollbackRecord> rollbacks(int newest) {
            return List.of();
        }

        @Override
        public void contentRolledBack(String content) {
        }

        @Override
        public boolean wasRolledBack(String content) {
            return false;
        }
    };
}
