package io.reachproof.coordinator.signal;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.Mismatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The signal episodes this coordinator has sent, newest signal per episode, for people looking at a cell: the
 * page shows which episode a mismatch belongs to, since when it fires, its idempotency key (the one a webhook
 * receiver or CD system logged) and whether it was resolved. In memory, the newest {@code capacity} episodes;
 * thread-safe.
 */
public final class Episodes {

    /**
     * One episode as its latest signal left it.
     *
     * @param idempotencyKey the key of that signal
     * @param state {@code opened}, {@code changed} or {@code resolved}
     * @param episode the id of the round that opened it
     * @param cells the cells of its mismatch set that concern the asker (all of them from {@link #all})
     */
    public record Episode(String expectation, String episode, String idempotencyKey, String state, String roundId,
            String traceId, long openedAtEpochMillis, long atEpochMillis, String suspectChange, int mismatches,
            List<String> cells) {

        public Episode {
            requireNonNull(expectation, "expectation");
            requireNonNull(episode, "episode");
            requireNonNull(idempotencyKey, "idempotencyKey");
            requireNonNull(state, "state");
            cells = List.copyOf(cells);
        }
    }

    private final int capacity;
    /** (expectation, episode) -> its latest signal, oldest episode first. */
    private final LinkedHashMap<List<String>, RollbackSignal> latest = new LinkedHashMap<>();

    public Episodes(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
    }

    /** Keeps {@code signal} as the latest of its episode; the oldest episode goes when more than capacity are kept. */
    public synchronized void record(RollbackSignal signal) {
        requireNonNull(signal, "signal");
        List<String> id = List.of(signal.expectation(), signal.episode());
        latest.remove(id);
        latest.put(id, signal);
        while (latest.size() > capacity) {
            latest.remove(latest.keySet().iterator().next());
        }
    }

    /** Every kept episode of {@code expectation}, newest first. */
    public List<Episode> all(String expectation) {
        return touching(expectation, cell -> true);
    }

    /**
     * The kept episodes of {@code expectation} whose mismatch set has a cell {@code concerns} accepts, newest first,
     * each listing only those cells.
     */
    public List<Episode> touching(String expectation, Predicate<CellResult> concerns) {
        requireNonNull(expectation, "expectation");
        requireNonNull(concerns, "concerns");
        List<RollbackSignal> signals;
        synchronized (this) {
            signals = new ArrayList<>(latest.values());
        }
        List<Episode> out = new ArrayList<>();
        for (RollbackSignal s : signals) {
            if (!s.expectation().equals(expectation)) {
                continue;
            }
            Map<CellKey, Boolean> cells = new LinkedHashMap<>();
            for (Mismatch m : s.mismatches()) {
                if (concerns.test(m.cell())) {
                    cells.put(CellKey.of(m.cell()), true);
                }
            }
            if (!cells.isEmpty()) {
                out.add(new Episode(s.expectation(), s.episode(), s.idempotencyKey(),
                        s.event().name().toLowerCase(Locale.ROOT),
                        s.roundId(), s.traceId(), s.openedAtEpochMillis(), s.atEpochMillis(),
                        s.suspectChange() == null ? null : s.suspectChange().toString(), s.mismatches().size(),
                        cells.keySet().stream().sorted().map(k -> kindOf(s, k) + " " + k).toList()));
            }
        }
        out.sort(Comparator.comparingLong(Episode::atEpochMillis).reversed());
        return out;
    }

    private static String kindOf(RollbackSignal signal, CellKey key) {
        return signal.mismatches().stream().filter(m -> CellKey.of(m.cell()).equals(key)).findFirst()
                .map(m -> m.kind().name()).orElseThrow();
    }
}
