package io.reachproof.coordinator.telemetry;

import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.RoundReport;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Time-to-enforce, per expectation set: from a policy change (the report's {@code suspectChange},
 * {@link PolicyChange#atEpochMillis()}) until the first round of that set that proves it enforced
 * ({@link RoundReport#provesEnforced}: started after the change, complete, every cell proven, no
 * mismatch). Each change is measured once; a newer change replaces a pending
 * older one (the clock restarts with it). Not thread-safe: rounds of one coordinator arrive in order.
 */
public final class EnforcementTracker {

    /** A change proven enforced: the change, and how long after it the first clean round finished. */
    public record Enforced(PolicyChange change, Duration took) {
    }


    private final Map<String, PolicyChange> pending = new HashMap<>();
    private final Map<String, PolicyChange> lastEnforced = new HashMap<>();

    /** The time-to-enforce this round proves, if it is the first clean round after a change. */
    Optional<Duration> onRound(RoundReport report) {
        return observe(report).map(Enforced::took);
    }

    /** The change this round proves enforced and after how long, if it is the first clean round after it. */
    public Optional<Enforced> observe(RoundReport report) {
        String set = report.expectation();
        PolicyChange suspect = report.suspectChange();
        if (suspect != null && !suspect.equals(lastEnforced.get(set))) {
            pending.put(set, suspect);
        }
        PolicyChange change = pending.get(set);
        if (change == null || !report.provesEnforced(change)) {
            return Optional.empty();
        }
        pending.remove(set);
        lastEnforced.put(set, change);
        return Optional.of(new Enforced(change,
                Duration.ofMillis(Math.max(0, report.finishedAtEpochMillis() - change.atEpochMillis()))));
    }
}
