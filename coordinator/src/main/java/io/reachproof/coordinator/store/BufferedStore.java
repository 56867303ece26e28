package io.reachproof.coordinator.store;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.protocol.RoundReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store as the round path sees it: every write is queued (bounded) and written by one thread of its own, so a
 * round never waits on the database. While the database is away the writes wait, in order, and are written when it
 * is back; a write that finds the queue full is dropped and counted ({@link #dropped()}, logged). Pruning (older than
 * the retention) runs on the same thread, so it never blocks a round either. Reads go to the database directly.
 */
public final class BufferedStore implements ProofStore {

    /** Writes held while the database is away: a day of 30 s rounds of 20 sets. */
    public static final int DEFAULT_CAPACITY = 60_000;
    private static final Logger LOG = LoggerFactory.getLogger(BufferedStore.class);

    private final ProofStore store;
    private final StoreSettings settings;
    private final Clock clock;
    private final Duration retryPeriod;
    private final Duration pruneEvery;
    private final BlockingDeque<Write> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread writer;
    private volatile Instant nextPrune;

    private record Write(String what, Consumer<ProofStore> action) {
    }

    public BufferedStore(ProofStore store, StoreSettings settings, int capacity, Duration retryPeriod, Duration pruneEvery,
            Clock clock) {
        this.store = requireNonNull(store, "store");
        this.settings = requireNonNull(settings, "settings");
        this.clock = requireNonNull(clock, "clock");
        this.retryPeriod = requireNonNull(retryPeriod, "retryPeriod");
        this.pruneEvery = requireNonNull(pruneEvery, "pruneEvery");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.queue = new LinkedBlockingDeque<>(capacity);
        this.nextPrune = clock.instant();
        this.writer = new Thread(this::writeLoop, "store-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** {@link #DEFAULT_CAPACITY} writes, retried every 2 s while the database is away, pruned hourly. */
    public static BufferedStore of(ProofStore store, StoreSettings settings) {
        return new BufferedStore(store, settings, DEFAULT_CAPACITY, Duration.ofSeconds(2), Duration.ofHours(1),
                Clock.systemUTC());
    }

    private void enqueue(String what, Consumer<ProofStore> action) {
        if (!queue.offerLast(new Write(what, action))) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.warn("store {}: {} writes waiting, the buffer is full; dropped {} ({} so far)", settings.url(),
                        queue.size(), what, n);
            }
        }
    }

    private void writeLoop() {
        try {
            while (closing.getCount() > 0 || !queue.isEmpty()) {
                Write next = queue.pollFirst(200, TimeUnit.MILLISECONDS);
                if (next == null) {
                    pruneIfDue();
                    if (closing.getCount() == 0) {
                        return;
                    }
                    continue;
                }
                while (!tryWrite(next)) {
                    if (closing.await(retryPeriod.toMillis(), TimeUnit.MILLISECONDS)) {
                        LOG.warn("store {}: closing with {} writes not written (the database is away)", settings.url(),
                                queue.size() + 1);
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean tryWrite(Write w) {
        try {
            w.action().accept(store);
            written.incrementAndGet();
            if (up.compareAndSet(false, true)) {
                LOG.info("store {}: back; writing the {} writes that waited", settings.url(), queue.size() + 1);
            }
            return true;
        } catch (RuntimeException e) {
            if (up.compareAndSet(true, false)) {
                LOG.warn("store {}: cannot write {}; rounds go on, writes wait (up to {}) and are written when it is"
                        + " back", settings.url(), w.what(), queue.remainingCapacity() + queue.size(), e);
            }
            return false;
        }
    }

    private void pruneIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(nextPrune) || !up.get()) {
            return;
        }
        nextPrune = now.plus(pruneEvery);
        try {
            int pruned = store.prune(now.minus(settings.retention()));
            if (pruned > 0) {
                LOG.info("store {}: pruned {} rounds older than {}", settings.url(), pruned, settings.retention());
            }
        } catch (RuntimeException e) {
            LOG.warn("store {}: pruning failed; trying again in {}", settings.url(), pruneEvery, e);
        }
    }

    /** Writes dropped because the buffer was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Writes waiting for the database. */
    public int pending() {
        return queue.size();
    }

    /** Writes written since start. */
    public long written() {
        return written.get();
    }

    /** Whether the last write reached the database. */
    public boolean up() {
        return up.get();
    }

    /** Waits until every queued write is written (tests, and the report of a process that wrote itself). */
    public boolean awaitWritten(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CountDownLatch flushed = new CountDownLatch(1);
        // a marker behind every write queued so far; a full buffer is waited on, not counted as a dropped write
        if (!queue.offerLast(new Write("flush marker", store -> flushed.countDown()),
                Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return false;
        }
        return flushed.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void recordRound(RoundReport report) {
        requireNonNull(report, "report");
        enqueue("round " + report.roundId(), s -> s.recordRound(report));
    }

    @Override
    public void recordSignal(RollbackSignal signal) {
        requireNonNull(signal, "signal");
        enqueue("signal " + signal.idempotencyKey() + " " + signal.event(), s -> s.recordSignal(signal));
    }

    @Override
    public void recordPolicyVersion(PolicyVersion version) {
        enqueue("policy " + version.cluster() + "/" + version.namespace() + "/" + version.name(),
                s -> s.recordPolicyVersion(version));
    }

    @Override
    public void recordExpectationVersion(ExpectationVersion version) {
        enqueue("expectation " + version.expectation(), s -> s.recordExpectationVersion(version));
    }

    @Override
    public void recordEnforcement(Enforcement enforcement) {
        enqueue("time to enforce " + enforcement.change(), s -> s.recordEnforcement(enforcement));
    }

    @Override
    public void recordGateDecision(GateRecord decision) {
        enqueue("gate decision " + decision.expectation(), s -> s.recordGateDecision(decision));
    }

    @Override
    public int prune(Instant before) {
        return store.prune(before);
    }

    @Override
    public ProofRecord read(ReportQuery query) {
        return store.read(query);
    }

    @Override
    public List<ProofRecord.Episode> openEpisodes() {
        return store.openEpisodes();
    }

    @Override
    public List<RoundReport> recentRounds(String expectation, int newest) {
        return store.recentRounds(expectation, newest);
    }

    @Override
    public void recordProvenSet(ProvenSet set) {
        requireNonNull(set, "set");
        enqueue("proven set " + set.cluster() + " " + set.id(), s -> s.recordProvenSet(set));
    }

    @Override
    public List<ProvenSet> provenSets(String cluster, int newest) {
        return store.provenSets(cluster, newest);
    }

    @Override
    public void recordRollback(StoredRollback rollback) {
        requireNonNull(rollback, "rollback");
        enqueue("rollback " + rollback.id(), s -> s.recordRollback(rollback));
    }

    @Override
    public List<StoredRollback> rollbacks(int newest) {
        return store.rollbacks(newest);
    }

    @Override
    public void recordRolledBackContent(String content) {
        requireNonNull(content, "content");
        enqueue("rolled back " + content, s -> s.recordRolledBackContent(content));
    }

    @Override
    public boolean wasRolledBack(String content) {
        return store.wasRolledBack(content);
    }

    /** Writes what is queued while the database answers, then closes it. */
    @Override
    public void close() {
        closing.countDown();
        try {
            writer.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    @Override
    public String toString() {
        return "BufferedStore[" + settings + "]";
    }
}
