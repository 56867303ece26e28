package io.reachproof.coordinator.round;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Deduplication of delivered results by id (the newest {@code capacity} ids are remembered) and counts
 * per agent of what was accepted, refused as a duplicate, and accepted too late to be evaluated.
 */
final class ResultIngest {

    private final int capacity;
    private final LinkedHashMap<String, Boolean> seen;
    private final Map<String, Counts> byAgent = new ConcurrentHashMap<>();

    ResultIngest(int capacity) {
        this.capacity = capacity;
        this.seen = new LinkedHashMap<>(1024, 0.75f, false);
    }

    /** True the first time {@code resultId} is offered. */
    synchronized boolean firstTime(String resultId) {
        if (seen.putIfAbsent(resultId, Boolean.TRUE) != null) {
            return false;
        }
        if (seen.size() > capacity) {
            var oldest = seen.keySet().iterator();
            oldest.next();
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
