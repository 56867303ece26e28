package io.reachproof.coordinator.restore;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.coordinator.store.ProofStore;
import io.reachproof.coordinator.store.ProvenSet;
import io.reachproof.coordinator.store.StoreException;
import io.reachproof.coordinator.store.StoredRollback;
import io.reachproof.protocol.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rollback's memory in the proof record: proven policy sets, rollbacks and rolled-back contents are written through
 * the store (buffered when it is the coordinator's buffered store, so a lost database never holds up a round) and read
 * from it, so a new leader or a restarted coordinator restores to the same last proven set and keeps the not-again
 * rule.
 */
public final class StoreRestoreMemory implements RestoreMemory {

    private final ProofStore store;

    public StoreRestoreMemory(ProofStore store) {
        this.store = requireNonNull(store, "store");
    }

    @Override
    public void proven(ProvenPolicies.Version v) {
        store.recordProvenSet(new ProvenSet(v.cluster(), v.id(), v.provenAtEpochMillis(), v.roundId(), v.expectation(),
                new ArrayList<>(v.policies().values())));
    }

    @Override
    public List<ProvenPolicies.Version> provenSets(String cluster, int newest) {
        List<ProvenPolicies.Version> out = new ArrayList<>();
        for (ProvenSet s : store.provenSets(cluster, newest)) {
            Map<String, NetworkPolicy> policies = new LinkedHashMap<>();
            s.policies().forEach(p -> policies.put(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), p));
            out.add(new ProvenPolicies.Version(s.id(), s.cluster(), s.provenAtEpochMillis(), s.roundId(), s.expectation(),
                    policies));
        }
        return out;
    }

    @Override
    public void rolledBack(RollbackRecord r) {
        try {
            store.recordRollback(new StoredRollback(r.id(), r.atEpochMillis(), r.cluster(), r.outcome().spelling(),
                    Json.mapper().writeValueAsString(r)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a rollback record always serializes", e);
        }
    }

    @Override
    public List<RollbackRecord> rollbacks(int newest) {
        List<RollbackRecord> out = new ArrayList<>();
        for (StoredRollback s : store.rollbacks(newest)) {
            try {
                out.add(Json.mapper().readValue(s.json(), RollbackRecord.class));
            } catch (JsonProcessingException e) {
                throw new StoreException("rollback " + s.id() + " in the store is unreadable: " + e.getOriginalMessage(), e);
            }
        }
        return out;
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
