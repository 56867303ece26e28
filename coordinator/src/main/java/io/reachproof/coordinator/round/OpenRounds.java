package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.plan.PlannerSettings;
import io.reachproof.coordinator.plan.RoundPlan;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open rounds: at most one per expectation set, found by set or by round id, numbered, each with its
 * deadline (waves x attempts x timeout + slack after its start). Pure bookkeeping with time from the clock;
 * {@link RoundDeadlines} fires the deadlines.
 */
final class OpenRounds {

    /** The number and id of a round about to be planned. */
    record Next(String roundId, long number) {
    }

    private final Clock clock;
    private final RoundSettings settings;
    private final PlannerSettings probing;
    private final String bootTag;
    private final Map<String, AtomicLong> numbers = new HashMap<>();
    private final Map<String, OpenRound> byExpectation = new ConcurrentHashMap<>();
    private final Map<String, OpenRound> byId = new ConcurrentHashMap<>();

    /**
     * @param bootTag ends every round id, so ids stay unique across coordinator restarts
     */
    OpenRounds(Clock clock, RoundSettings settings, PlannerSettings probing, Collection<LoadedExpectation> expectations,
            String bootTag) {
        this.clock = requireNonNull(clock, "clock");
        this.settings = requireNonNull(settings, "settings");
        this.probing = requireNonNull(probing, "probing");
        this.bootTag = requireNonNull(bootTag, "bootTag");
        for (LoadedExpectation e : expectations) {
            // the rotation of agent pairs continues across coordinator restarts: rounds are numbered by time
            numbers.put(e.name(), new AtomicLong(clock.millis() / e.expectation().interval().toMillis()));
        }
    }

    /** The number and id of the next round of {@code expectation}. */
    Next next(String expectation) {
        AtomicLong n = numbers.get(expectation);
        if (n == null) {
            throw new IllegalArgumentException("unknown expectation: " + expectation);
        }
        long number = n.incrementAndGet();
        return new Next(expectation + "-" + number + "-" + bootTag, number);
    }

    /** Opens the round of {@code plan}, started now; it is the open one of its set. */
    OpenRound open(RoundPlan plan) {
        long started = clock.millis();
        OpenRound round = new OpenRound(plan, started, started + budgetMillis(plan));
        byExpectation.put(plan.expectation(), round);
        byId.put(plan.roundId(), round);
        return round;
    }

    /**
     * How long a round of {@code plan} may take: the busiest agent runs its probes in waves of
     * {@code agentConcurrency}, each probe up to {@code attempts x timeout}; plus the slack; plus, in workload
     * mode, the prepare window of its first phase.
     */
    long budgetMillis(RoundPlan plan) {
        int maxTasks = plan.tasksByAgent().values().stream().mapToInt(List::size).max().orElse(0);
        long waves = Math.max(1, (maxTasks + settings.agentConcurrency() - 1) / settings.agentConcurrency());
        return waves * probing.attempts() * probing.timeoutMillis() + settings.slack().toMillis()
                + (plan.preparing() ? prepareWindowMillis() : 0);
    }

    /** How long a workload-mode round's first phase waits for readiness. */
    long prepareWindowMillis() {
        return settings.prepareWindow().toMillis();
    }

    Optional<OpenRound> of(String expectation) {
        return Optional.ofNullable(byExpectation.get(expectation));
    }

    boolean isOpen(String expectation) {
        return byExpectation.containsKey(expectation);
    }

    /** The open round with this id; empty for a closed or unknown one (and for null). */
    Optional<OpenRound> byId(String roundId) {
        return roundId == null ? Optional.empty() : Optional.ofNullable(byId.get(roundId));
    }

    /** {@code round} is open no longer: a round of its set may start. */
    void release(OpenRound round) {
        byId.remove(round.roundId(), round);
        byExpectation.remove(round.expectation(), round);
    }

    /** Every open round, e.g. to cancel their reports at shutdown. */
    List<OpenRound> all() {
        return List.copyOf(byId.values());
    }
}
