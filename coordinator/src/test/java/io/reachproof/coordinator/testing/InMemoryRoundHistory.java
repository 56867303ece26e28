package io.reachproof.coordinator.testing;

import io.reachproof.coordinator.round.RoundHistory;
import io.reachproof.protocol.RoundReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A RoundHistory that tests fill by hand. */
public final class InMemoryRoundHistory implements RoundHistory {

    private final Map<String, List<RoundReport>> reports = new LinkedHashMap<>();

    public InMemoryRoundHistory(String... expectations) {
        for (String e : expectations) {
            reports.put(e, new ArrayList<>());
        }
    }

    /** Adds {@code report} as the newest round of its expectation. */
    public synchronized InMemoryRoundHistory add(RoundReport report) {
        reports.computeIfAbsent(report.expectation(), e -> new ArrayList<>()).add(0, report);
        return this;
    }

    @Override
    public synchronized Set<String> expectations() {
        return Set.copyOf(reports.keySet());
    }

    @Override
    public synchronized List<RoundReport> reports(String expectation) {
        return List.copyOf(reports.getOrDefault(expectation, List.of()));
    }
}
