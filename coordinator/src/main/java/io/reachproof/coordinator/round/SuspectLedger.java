package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.RoundReport;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which NetworkPolicy change is the suspect of which set's mismatches, and which sets owe a round to a
 * change. Per expectation set, per cluster: the newest change there not yet proven enforced by a round of
 * that set ({@link RoundReport#provesEnforced}). A change that arrives while a set's round is open (planned
 * before it) asks for a round of its own once that one closes. Pure and thread-safe.
 */
final class SuspectLedger {

    private final Map<String, Map<String, PolicyChange>> suspects = new ConcurrentHashMap<>();
    private final Set<String> reruns = ConcurrentHashMap.newKeySet();

    /** {@code change} is now the suspect of {@code expectation}'s mismatches in its cluster. */
    void suspect(String expectation, PolicyChange change) {
        requireNonNull(change, "change");
        suspects.computeIfAbsent(expectation, n -> new ConcurrentHashMap<>()).put(change.cluster(), change);
    }

    /** Per cluster, the change not yet proven enforced for {@code expectation} (a copy). */
    Map<String, PolicyChange> suspectsOf(String expectation) {
        return Map.copyOf(suspects.getOrDefault(expectation, Map.of()));
    }

    /** The newest change of any cluster not yet proven enforced for {@code expectation}. */
    Optional<PolicyChange> newest(String expectation) {
        return Optional.ofNullable(PolicyChange.newest(suspectsOf(expectation).values().stream()));
    }

    /**
     * A round of {@code expectation} that carried {@code carried} (per cluster) closed with {@code report}: each
     * change it proves enforced is no suspect any more, unless a newer one of its cluster took its place.
     */
    void roundClosed(String expectation, Map<String, PolicyChange> carried, RoundReport report) {
        Map<String, PolicyChange> now = suspects.getOrDefault(expectation, Map.of());
        for (PolicyChange change : carried.values()) {
            if (report.provesEnforced(change)) {
                now.remove(change.cluster(), change);
            }
        }
    }

    /** A change came while a round of {@code expectation} was open: run another when it closes. */
    void rerunAfterOpenRound(String expectation) {
        reruns.add(expectation);
    }

    /** True (once) when a change waits for a round of {@code expectation} of its own. */
    boolean takeRerun(String expectation) {
        return reruns.remove(expectation);
    }
}
