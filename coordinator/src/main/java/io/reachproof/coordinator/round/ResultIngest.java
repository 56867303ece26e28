package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.BatchAck;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.SelfCheckStatus;
import io.reachproof.protocol.TargetReadiness;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Takes agents' deliveries into the open rounds: results are deduplicated by id (the newest ids are
 * remembered: at most {@code capacity} of them and at most {@code maxBytes} of them as estimated by
 * {@link #bytesOf}), each counts in the open round it names when it is a task of the delivering agent,
 * and per agent it is counted what was accepted, refused as a duplicate, and accepted too late to be
 * evaluated (its round closed, or the task is not the agent's).
 */
final class ResultIngest {

    /** The default bound of the remembered ids' memory. */
    static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    /** A map entry, its node and the String header, beyond the characters. */
    private static final int ENTRY_OVERHEAD_BYTES = 96;

    private final int capacity;
    private final long maxBytes;
    private final LinkedHashMap<String, Boolean> seen;
    private final Map<String, Counts> byAgent = new ConcurrentHashMap<>();
    private long bytes;

    ResultIngest(int capacity) {
        this(capacity, DEFAULT_MAX_BYTES);
    }

    ResultIngest(int capacity, long maxBytes) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1: " + maxBytes);
        }
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.seen = new LinkedHashMap<>(1024, 0.75f, false);
    }

    /**
     * Takes one agent's delivery. A self-check counts only when the agent that delivers it is the one it is
     * of. {@code whenLast} is called with each round whose last outstanding result or self-check this
     * delivery brought.
     */
    BatchAck accept(ResultBatch batch, OpenRounds open, Consumer<OpenRound> whenLast) {
        return accept(batch, open, whenLast, round -> { });
    }

    /**
     * As {@link #accept(ResultBatch, OpenRounds, Consumer)}; a destination pod's readiness counts only when the
     * agent that delivers it is the one asked to prepare it, and {@code whenPrepared} is called with each round
     * whose last outstanding readiness this delivery brought (its first phase is over).
     */
    BatchAck accept(ResultBatch batch, OpenRounds open, Consumer<OpenRound> whenLast, Consumer<OpenRound> whenPrepared) {
        requireNonNull(whenLast, "whenLast");
        requireNonNull(whenPrepared, "whenPrepared");
        for (TargetReadiness t : batch.targets()) {
            Optional<OpenRound> round = open.byId(t.roundId());
            if (round.isPresent() && t.agentId().equals(batch.agentId())
                    && round.get().accept(t) == OpenRound.Arrival.LAST) {
                whenPrepared.accept(round.get());
            }
        }
        int accepted = 0;
        int duplicates = 0;
        int late = 0;
        for (ProbeResult r : batch.results()) {
            if (!firstTime(r.resultId())) {
                duplicates++;
                continue;
            }
            accepted++;
            Optional<OpenRound> round = open.byId(r.roundId());
            OpenRound.Arrival arrival = round.isEmpty() ? OpenRound.Arrival.REFUSED : round.get().accept(batch.agentId(), r);
            if (arrival == OpenRound.Arrival.REFUSED) {
                late++;
            } else if (arrival == OpenRound.Arrival.LAST) {
                whenLast.accept(round.get());
            }
        }
        for (SelfCheckStatus s : batch.selfChecks()) {
            Optional<OpenRound> round = open.byId(s.roundId());
            if (round.isPresent() && s.agentId().equals(batch.agentId())
                    && round.get().accept(s) == OpenRound.Arrival.LAST) {
                whenLast.accept(round.get());
            }
        }
        Counts counts = byAgent.computeIfAbsent(batch.agentId(), a -> new Counts());
        counts.accepted.add(accepted);
        counts.duplicates.add(duplicates);
        counts.late.add(late);
        return new BatchAck(accepted, duplicates, late);
    }

    /** What {@code agentId} delivered so far: accepted, duplicates, late. */
    BatchAck delivered(String agentId) {
        Counts c = byAgent.computeIfAbsent(agentId, a -> new Counts());
        return new BatchAck((int) c.accepted.sum(), (int) c.duplicates.sum(), (int) c.late.sum());
    }

    /** The estimated bytes remembering {@code resultId} holds. */
    static long bytesOf(String resultId) {
        return ENTRY_OVERHEAD_BYTES + 2L * resultId.length();
    }

    /** The estimated bytes the remembered ids hold now. */
    synchronized long rememberedBytes() {
        return bytes;
    }

    /** True the first time {@code resultId} is offered. */
    synchronized boolean firstTime(String resultId) {
        if (seen.putIfAbsent(resultId, Boolean.TRUE) != null) {
            return false;
        }
        bytes += bytesOf(resultId);
        var oldest = seen.keySet().iterator();
        while (seen.size() > capacity || (bytes > maxBytes && seen.size() > 1)) {
            bytes -= bytesOf(oldest.next());
            oldest.remove();
        }
        return true;
    }

    /** Counts of one agent's deliveries. */
    private static final class Counts {
        final LongAdder accepted = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder late = new LongAdder();
    }
}
