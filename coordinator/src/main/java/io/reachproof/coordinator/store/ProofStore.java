package io.reachproof.coordinator.store;

import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.protocol.RoundReport;
import java.time.Instant;
import java.util.List;

/**
 * The proof record: what the coordinator proved, when, against which policies and expectations. One interface in
 * front of the database ({@link JdbcStore}, H2 or PostgreSQL); {@link BufferedStore} keeps the round path from ever
 * waiting on it. Writes are idempotent: writing the same round, signal or version twice keeps one.
 */
public interface ProofStore extends AutoCloseable {

    /** A finished round: its summary and its mismatches (not every probe result). */
    void recordRound(RoundReport report);

    /** A rollback signal: opens, changes or resolves the episode it belongs to. */
    void recordSignal(RollbackSignal signal);

    /** A NetworkPolicy as seen in a cluster (kept once per content hash). */
    void recordPolicyVersion(PolicyVersion version);

    /** An expectation file as loaded at start (kept once per content hash). */
    void recordExpectationVersion(ExpectationVersion version);

    /** How long a policy change took until a round proved the matrix as expected. */
    void recordEnforcement(Enforcement enforcement);

    /** An answer of the gate. */
    void recordGateDecision(GateRecord decision);

    /** Removes every record that ended before {@code before}; returns how many rounds went. */
    int prune(Instant before);

    /** Everything the report of {@code query} shows. */
    ProofRecord read(ReportQuery query);

    /** Episodes not resolved yet, oldest first: a new leader continues them with the same keys. */
    List<ProofRecord.Episode> openEpisodes();

    /**
     * The newest {@code newest} rounds of {@code expectation}, newest first, as reports: summary, suspect change and
     * the mismatched cells (the record keeps no other cell, so {@code cells} holds the mismatched ones only).
     */
    List<RoundReport> recentRounds(String expectation, int newest);

    /** A policy set a complete round proved in a cluster: kept once per id, with its newest proof. */
    void recordProvenSet(ProvenSet set);

    /** The newest {@code newest} proven sets of {@code cluster}, newest proof first. */
    List<ProvenSet> provenSets(String cluster, int newest);

    /** A rollback done, dry-run or refused (kept once per id). */
    void recordRollback(StoredRollback rollback);

    /** The newest {@code newest} rollbacks, newest first. */
    List<StoredRollback> rollbacks(int newest);

    /** A changed policy content ({@code cluster/namespace/name=digest}) was rolled back. */
    void recordRolledBackContent(String content);

    /** Whether {@code content} was rolled back before, by any leader. */
    boolean wasRolledBack(String content);

    @Override
    void close();
}
