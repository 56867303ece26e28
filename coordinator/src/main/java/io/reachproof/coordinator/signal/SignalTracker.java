package io.reachproof.coordinator.signal;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.RoundReport;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The pure state machine that turns finished rounds into rollback signals, one confirmed mismatch set per
 * expectation. No I/O; thread-safe.
 *
 * <ul>
 *   <li>Only <b>complete</b> rounds count; a round cut short proves nothing either way.</li>
 *   <li>A mismatch is identified by its kind and {@link CellKey} (groups, clusters, port), not by pods.</li>
 *   <li>A mismatch is <b>confirmed</b> once it was seen in N consecutive complete rounds in which its cell
 *       was conclusive: N = {@link Confirmations#hole()} for HOLE (default 1: one CONNECTED is proof),
 *       {@link Confirmations#blocked()} for BLOCKED (default 2: a lost packet is not an outage). A round in
 *       which the cell is only inconclusive neither counts nor breaks the streak.</li>
 *   <li>A confirmed mismatch stays in the set until a complete round proves its cell as expected, or no
 *       longer plans the cell at all. Inconclusive cells keep it: unproven is not fixed.</li>
 *   <li>{@link SignalEvent#OPENED} when the set goes from empty to non-empty (that round opens an
 *       <i>episode</i>), {@link SignalEvent#CHANGED} when it changes while non-empty,
 *       {@link SignalEvent#RESOLVED} (carrying the set that cleared) when it becomes empty.</li>
 *   <li>The idempotency key is {@code rp1-} + the first 32 hex digits of SHA-256 over the expectation,
 *       the state ({@code firing}/{@code resolved}), the episode and the sorted mismatch identities:
 *       re-sending a signal repeats its key; a new episode of the same set gets a new key, so a hole
 *       that comes back after a fix is never swallowed by a receiver's de-duplication.</li>
 * </ul>
 */
public final class SignalTracker {

    /** Consecutive complete rounds that confirm a mismatch, per kind. */
    public record Confirmations(int hole, int blocked) {

        public static final Confirmations DEFAULT = new Confirmations(1, 2);

        public Confirmations {
            if (hole < 1) {
                throw new IllegalArgumentException("hole confirmations must be at least 1: " + hole);
            }
            if (blocked < 1) {
                throw new IllegalArgumentException("blocked confirmations must be at least 1: " + blocked);
            }
        }

        int of(MismatchKind kind) {
            return kind == MismatchKind.HOLE ? hole : blocked;
        }
    }

    /** A mismatch's identity: its kind and cell. */
    record MismatchId(MismatchKind kind, CellKey cell) implements Comparable<MismatchId> {

        static MismatchId of(Mismatch m) {
            return new MismatchId(m.kind(), CellKey.of(m.cell()));
        }

        @Override
        public int compareTo(MismatchId o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return kind + " " + cell;
        }
    }

    private static final class ExpectationState {
        final Map<MismatchId, Integer> streaks = new HashMap<>();
        /** The confirmed set: identity -> the instances of the latest round that showed it. */
        Map<MismatchId, List<Mismatch>> firing = new TreeMap<>();
        String episode;
        long openedAt;
        PolicyChange suspect;
        /**
         * Mismatches taken up from a former leader ({@link #resume}) and not seen or proven since: only a conclusive
         * cell clears them, not a cell left unplanned while the agents register again with this coordinator.
         */
        Set<MismatchId> resumed = new java.util.HashSet<>();
    }

    private final Confirmations confirmations;
    private final Map<String, ExpectationState> states = new HashMap<>();

    public SignalTracker(Confirmations confirmations) {
        this.confirmations = requireNonNull(confirmations, "confirmations");
    }

    /** The signal {@code report} causes, if any. */
    public synchronized Optional<RollbackSignal> observe(RoundReport report) {
        requireNonNull(report, "report");
        if (!report.complete()) {
            return Optional.empty();
        }
        ExpectationState state = states.computeIfAbsent(report.expectation(), e -> new ExpectationState());

        Map<MismatchId, List<Mismatch>> seen = new LinkedHashMap<>();
        for (Mismatch m : report.mismatches()) {
            seen.computeIfAbsent(MismatchId.of(m), id -> new ArrayList<>()).add(m);
        }
        Set<CellKey> planned = report.cells().stream().map(CellKey::of).collect(Collectors.toSet());
        Set<CellKey> conclusive = report.cells().stream()
                .filter(c -> c.observed() != ObservedVerdict.INCONCLUSIVE)
                .map(CellKey::of)
                .collect(Collectors.toSet());

        // streaks: +1 when seen; dropped when the cell was proven otherwise or is no longer planned
        for (MismatchId id : seen.keySet()) {
            state.streaks.merge(id, 1, Integer::sum);
        }
        state.streaks.keySet().removeIf(id -> !seen.containsKey(id) && cleared(id, planned, conclusive, state.resumed));

        Map<MismatchId, List<Mismatch>> next = new TreeMap<>(state.firing);
        next.keySet().removeIf(id -> !seen.containsKey(id) && cleared(id, planned, conclusive, state.resumed));
        state.resumed.removeIf(id -> seen.containsKey(id) || conclusive.contains(id.cell()));
        seen.forEach((id, instances) -> {
            if (state.firing.containsKey(id) || state.streaks.getOrDefault(id, 0) >= confirmations.of(id.kind())) {
                next.put(id, List.copyOf(instances));
            }
        });

        Map<MismatchId, List<Mismatch>> previous = state.firing;
        state.firing = next;
        PolicyChange suspect = suspectOf(next.isEmpty() ? previous : next);
        if (previous.isEmpty() && next.isEmpty()) {
            return Optional.empty();
        }
        if (previous.isEmpty()) {
            state.episode = report.roundId();
            state.openedAt = report.finishedAtEpochMillis();
            state.suspect = suspect;
            return Optional.of(signal(SignalEvent.OPENED, report, state, next));
        }
        if (next.isEmpty()) {
            state.resumed.clear();
            RollbackSignal resolved = signal(SignalEvent.RESOLVED, report, state, previous);
            state.episode = null;
            state.suspect = null;
            return Optional.of(resolved);
        }
        state.suspect = suspect != null ? suspect : state.suspect;
        if (previous.keySet().equals(next.keySet())) {
            return Optional.empty();
        }
        return Optional.of(signal(SignalEvent.CHANGED, report, state, next));
    }

    /**
     * Continues an episode another coordinator opened (a new leader, from the proof record): its mismatch set is
     * taken as confirmed, so the next round that shows it sends nothing, one that changes it sends CHANGED and one
     * that proves it gone sends RESOLVED, all with this episode's id (and so the keys a receiver already knows).
     * Ignored when this tracker already has an episode of {@code expectation}.
     *
     * @return whether the episode was taken up
     */
    public synchronized boolean resume(String expectation, String episode, long openedAtEpochMillis,
            List<Mismatch> mismatches, PolicyChange suspect) {
        requireNonNull(expectation, "expectation");
        requireNonNull(episode, "episode");
        ExpectationState state = states.computeIfAbsent(expectation, e -> new ExpectationState());
        if (!state.firing.isEmpty() || mismatches.isEmpty()) {
            return false;
        }
        Map<MismatchId, List<Mismatch>> firing = new TreeMap<>();
        for (Mismatch m : mismatches) {
            firing.computeIfAbsent(MismatchId.of(m), id -> new ArrayList<>()).add(m);
        }
        firing.replaceAll((id, list) -> List.copyOf(list));
        state.firing = firing;
        state.resumed = new java.util.HashSet<>(firing.keySet());
        firing.keySet().forEach(id -> state.streaks.put(id, confirmations.of(id.kind())));
        state.episode = episode;
        state.openedAt = openedAtEpochMillis;
        state.suspect = suspect;
        return true;
    }

    private static boolean cleared(MismatchId id, Set<CellKey> planned, Set<CellKey> conclusive, Set<MismatchId> resumed) {
        return conclusive.contains(id.cell()) || !planned.contains(id.cell()) && !resumed.contains(id);
    }

    /**
     * The newest suspect change of the signal's own mismatches (each names the change of its clusters), or
     * null: a change in a cluster none of them touches is not theirs to blame.
     */
    private static PolicyChange suspectOf(Map<MismatchId, List<Mismatch>> set) {
        return PolicyChange.newest(set.values().stream().flatMap(List::stream).map(Mismatch::suspectChange));
    }

    private static RollbackSignal signal(SignalEvent event, RoundReport report, ExpectationState state,
            Map<MismatchId, List<Mismatch>> set) {
        List<Mismatch> mismatches = set.values().stream().flatMap(List::stream).toList();
        String key = idempotencyKey(report.expectation(), event.state(), state.episode, set.keySet());
        return new RollbackSignal(key, event, report.expectation(), state.episode, report.roundId(),
                report.traceId(), report.finishedAtEpochMillis(), state.openedAt, mismatches, state.suspect);
    }

    static String idempotencyKey(String expectation, String state, String episode, Set<MismatchId> ids) {
        StringBuilder text = new StringBuilder("v1\n").append(expectation).append('\n').append(state).append('\n')
                .append(episode).append('\n');
        ids.stream().sorted().forEach(id -> text.append(id).append('\n'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return "rp1-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** For tests and logs: the cells of the current confirmed set of {@code expectation}. */
    synchronized List<String> firing(String expectation) {
        ExpectationState state = states.get(expectation);
        return state == null ? List.of() : state.firing.keySet().stream().map(MismatchId::toString).toList();
    }

}
