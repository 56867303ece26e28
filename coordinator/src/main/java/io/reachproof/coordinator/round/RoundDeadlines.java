package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Fires each open round's deadline on the scheduler it is given, unless the round closed before. */
final class RoundDeadlines {

    private final ScheduledExecutorService timer;
    private final Map<OpenRound, ScheduledFuture<?>> armed = new ConcurrentHashMap<>();

    RoundDeadlines(ScheduledExecutorService timer) {
        this.timer = requireNonNull(timer, "timer");
    }

    /** Runs {@code atDeadline} when {@code round}'s time is up ({@code deadline - started} after now). */
    void arm(OpenRound round, Runnable atDeadline) {
        arm(round, round.deadline() - round.started(), atDeadline);
    }

    /** Runs {@code due} in {@code delayMillis}, unless {@link #disarm} comes first; replaces what was armed. */
    void arm(OpenRound round, long delayMillis, Runnable atDeadline) {
        requireNonNull(atDeadline, "atDeadline");
        disarm(round);
        ScheduledFuture<?> due = timer.schedule(() -> {
            armed.remove(round);
            atDeadline.run();
        }, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        armed.put(round, due);
        if (due.isDone()) {
            armed.remove(round, due);
        }
    }

    /** {@code round} closed before its deadline: the deadline does not fire. */
    void disarm(OpenRound round) {
        ScheduledFuture<?> due = armed.remove(round);
        if (due != null) {
            due.cancel(false);
        }
    }

    /** Deadlines waiting to fire. */
    int armed() {
        return armed.size();
    }
}
