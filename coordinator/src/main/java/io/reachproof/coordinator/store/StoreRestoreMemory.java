package io.reachproof.coordinator.store;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.restore.ProvenPolicies;
import io.reachproof.coordinator.restore.RestoreMemory;
import io.reachproof.coordinator.restore.RollbackRecord;
import java.util.List;

/**
 * Rollback's memory in the proof record: proven policy sets, rollbacks and rolled-back contents are written through
 * the store (buffered when it is a {@link BufferedStore}, so a lost database never holds up a round) and read from it,
 * so a new leader or a restarted coordinator restores to the same last proven set and keeps the not-again rule.
 */
public final class StoreRestoreMemory implements RestoreMemory {

    private final ProofStore store;

    public StoreRestoreMemory(ProofStore store) {
        this.store = requireNonNull(store, "store");
    }

    @Override
    public void proven(ProvenPolicies.Version version) {
        store.recordProvenSet(version);
    }

    @Override
    public List<ProvenPolicies.Version> provenSets(String cluster, int newest) {
        return store.provenSets(cluster, newest);
    }

    @Override
    public void rolledBack(RollbackRecord record) {
        store.recordRollback(record);
    }

    @Override
    public List<RollbackRecord> rollbacks(int newest) {
        return store.rollbacks(newest);
    }

    @Override
    public void contentRolledBack(String content) {
        store.recordRolledBackContent(content);
    }

    @Override
    public boolean wasRolledBack(String content) {
        return store.wasRolledBack(content);
    }

    @Override
    public String toString() {
        return "rollback memory in " + store;
    }
}
