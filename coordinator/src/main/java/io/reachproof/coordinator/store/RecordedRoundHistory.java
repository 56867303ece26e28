package io.reachproof.coordinator.store;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.round.RoundHistory;
import io.reachproof.protocol.RoundReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rounds a coordinator knows, for the gate: its own, and while it has no complete round of a set yet (a new leader,
 * a restart), the rounds the proof record kept of that set, so the gate answers from them instead of waiting for a
 * round. Rounds from the record carry their summary, suspect change and mismatched cells only. The record is read
 * only then, and a record that cannot be read leaves the coordinator's own rounds.
 */
public final class RecordedRoundHistory implements RoundHistory {

    private static final Logger LOG = LoggerFactory.getLogger(RecordedRoundHistory.class);
    /** How many stored rounds of a set are read. */
    static final int STORED = 20;

    private final RoundHistory own;
    private final ProofStore store;

    public RecordedRoundHistory(RoundHistory own, ProofStore store) {
        this.own = requireNonNull(own, "own");
        this.store = requireNonNull(store, "store");
    }

    @Override
    public Set<String> expectations() {
        return own.expectations();
    }

    @Override
    public List<RoundReport> reports(String expectation) {
        List<RoundReport> mine = own.reports(expectation);
        if (!own.expectations().contains(expectation) || mine.stream().anyMatch(RoundReport::complete)) {
            return mine;
        }
        List<RoundReport> stored;
        try {
            stored = store.recentRounds(expectation, STORED);
        } catch (RuntimeException e) {
            LOG.warn("cannot read the stored rounds of {} for the gate: {}", expectation, e.toString());
            return mine;
        }
        Map<String, RoundReport> byId = new LinkedHashMap<>();
        mine.forEach(r -> byId.put(r.roundId(), r));
        stored.forEach(r -> byId.putIfAbsent(r.roundId(), r));
        List<RoundReport> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparingLong(RoundReport::startedAtEpochMillis).reversed());
        return all;
    }
}
