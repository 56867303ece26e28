package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.Plan;
import io.reachproof.protocol.PlanRound;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The current plan of every agent (its share of every open round) and the long polls waiting for it to
 * change. A poll with the version the agent has returns when the plan changes, or empty at its timeout.
 */
public final class PlanBoard {

    private final long repeatEveryMillis;
    private final ScheduledExecutorService timer;
    private final AtomicLong versions;
    private final Map<String, AgentPlan> plans = new ConcurrentHashMap<>();

    public PlanBoard(long repeatEveryMillis, ScheduledExecutorService timer, long firstVersion) {
        if (repeatEveryMillis <= 0) {
            throw new IllegalArgumentException("repeatEveryMillis must be positive: " + repeatEveryMillis);
        }
        this.repeatEveryMillis = repeatEveryMillis;
        this.timer = requireNonNull(timer, "timer");
        this.versions = new AtomicLong(firstVersion);
    }

    /** The agent's current plan (an empty one for an agent not yet in any round). */
    public Plan current(String agentId) {
        return plans.computeIfAbsent(agentId, this::fresh).plan();
    }

    /** Adds one round's share to each named agent's plan. */
    public void open(String roundId, Map<String, PlanRound> shares) {
        shares.forEach((agent, share) -> update(agent, rounds -> rounds.put(roundId, share)));
    }

    /** Removes a closed round from every plan that has it. */
    public void close(String roundId, Iterable<String> agents) {
        for (String agent : agents) {
            update(agent, rounds -> rounds.remove(roundId));
        }
    }

    /**
     * Waits for the agent's plan to differ from {@code version}: completes at once when it already does,
     * else when it changes, else empty after {@code wait}.
     */
    public CompletableFuture<Optional<Plan>> poll(String agentId, long version, Duration wait) {
        AgentPlan entry = plans.computeIfAbsent(agentId, this::fresh);
        CompletableFuture<Optional<Plan>> answer = new CompletableFuture<>();
        synchronized (entry) {
            Plan plan = entry.plan();
            if (plan.version() != version) {
                answer.complete(Optional.of(plan));
                return answer;
            }
            entry.waiters.add(answer);
        }
        timer.schedule(() -> {
            synchronized (entry) {
                entry.waiters.remove(answer);
            }
            answer.complete(Optional.empty());
        }, wait.toMillis(), TimeUnit.MILLISECONDS);
        return answer;
    }

    /** Long polls waiting now (all agents). */
    public int waiting() {
        int n = 0;
        for (AgentPlan p : plans.values()) {
            synchronized (p) {
                n += p.waiters.size();
            }
        }
        return n;
    }

    private void update(String agentId, java.util.function.Consumer<Map<String, PlanRound>> change) {
        AgentPlan entry = plans.computeIfAbsent(agentId, this::fresh);
        List<CompletableFuture<Optional<Plan>>> wake;
        Plan plan;
        synchronized (entry) {
            change.accept(entry.rounds);
            entry.version = versions.incrementAndGet();
            plan = entry.plan();
            wake = new ArrayList<>(entry.waiters);
            entry.waiters.clear();
        }
        wake.forEach(w -> w.complete(Optional.of(plan)));
    }

    private AgentPlan fresh(String agentId) {
        return new AgentPlan(agentId, versions.incrementAndGet());
    }

    private final class AgentPlan {
        final String agentId;
        final Map<String, PlanRound> rounds = new LinkedHashMap<>();
        final List<CompletableFuture<Optional<Plan>>> waiters = new ArrayList<>();
        long version;

        AgentPlan(String agentId, long version) {
            this.agentId = agentId;
            this.version = version;
        }

        Plan plan() {
            synchronized (this) {
                return new Plan(agentId, version, new ArrayList<>(rounds.values()), repeatEveryMillis);
            }
        }
    }
}
