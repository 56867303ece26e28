package io.reachproof.coordinator.round;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Deduplication of delivered results by id (the newest ids are remembered: at most {@code capacity} of them
 * and at most {@code maxBytes} of them as estimated by {@link #bytesOf}) and counts per agent of what was
 * accepted, refused as a duplicate, and accepted too late to be evaluated.
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
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.seen = new LinkedHashMap<>(1024, 0.75f, false);
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

    Counts counts(String agentId) {
        return byAgent.computeIfAbsent(agentId, a -> new Counts());
    }

    /** Counts of one agent's deliveries. */
    static final class Counts {
        final LongAdder accepted = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder late = new LongAdder();
    }
}
