package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.RoundReport;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The newest {@code retain} finished reports of each expectation set, in memory. Thread-safe. */
public final class InMemoryRoundHistory implements RoundHistory {

    private final int retain;
    private final Map<String, Deque<RoundReport>> reports = new LinkedHashMap<>();

    public InMemoryRoundHistory(Set<String> expectations, int retain) {
        requireNonNull(expectations, "expectations");
        if (retain < 1) {
            throw new IllegalArgumentException("retain must be at least 1: " + retain);
        }
        this.retain = retain;
        for (String name : expectations) {
            reports.put(name, new ArrayDeque<>());
        }
    }

    /** Keeps a finished report; the oldest beyond {@code retain} is forgotten. */
    public synchronized void add(RoundReport report) {
        Deque<RoundReport> all = reports.get(report.expectation());
        if (all == null) {
            throw new IllegalArgumentException("unknown expectation: " + report.expectation());
        }
        all.addFirst(report);
        while (all.size() > retain) {
            all.removeLast();
        }
    }

    @Override
    public synchronized Set<String> expectations() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(reports.keySet()));
    }

    @Override
    public synchronized List<RoundReport> reports(String expectation) {
        Deque<RoundReport> all = reports.get(expectation);
        return all == null ? List.of() : List.copyOf(new ArrayList<>(all));
    }
}
