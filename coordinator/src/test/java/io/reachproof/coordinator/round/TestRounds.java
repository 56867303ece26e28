package io.reachproof.coordinator.round;

import io.reachproof.coordinator.LabExpectation;
import io.reachproof.coordinator.MutableClock;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.coordinator.evaluate.RoundEvaluator;
import io.reachproof.coordinator.evaluate.RoundObservations;
import io.reachproof.coordinator.plan.PlannerSettings;
import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.plan.RoundPlan;
import io.reachproof.coordinator.registry.AgentRegistry;
import io.reachproof.coordinator.registry.RegistrySettings;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.SelfCheckStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plans, results and self-checks for the tests of the round package. Tasks come from a real plan of the lab
 * expectation, so they stay valid whatever a task carries.
 */
final class TestRounds {

    static final PlannerSettings PROBING = new PlannerSettings(1, 100, 2, 100);

    private TestRounds() {
    }

    static MutableClock clock() {
        return new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** A planned lab round with nine agents. */
    static RoundPlan labPlan() {
        AgentRegistry registry = new AgentRegistry(clock(), RegistrySettings.defaults());
        LabFleet.agents(9).forEach(a -> registry.register(a, "key-of-" + a.agentId() + "-0123456789abcdef0123456789"));
        return new ProbePlanner(PROBING).plan("lab-0-t", 0, "lab", LabExpectation.groups(), LabExpectation.cells(),
                Optional.empty(), registry.snapshot());
    }

    /** Every task of {@link #labPlan()}. */
    static List<ProbeTask> labTasks() {
        List<ProbeTask> all = new ArrayList<>();
        labPlan().tasksByAgent().values().forEach(all::addAll);
        return all;
    }

    /** What a lab round without any answer observed: every cell of {@link #labPlan()}, none proven. */
    static RoundObservations unanswered(String roundId, long startedAt) {
        RoundPlan lab = labPlan();
        RoundPlan plan = new RoundPlan(roundId, lab.expectation(), lab.cells(), lab.tasksByAgent(), lab.selfChecksByAgent());
        return new RoundObservations(plan, Map.of(), Map.of(), Map.of(), Map.of(), startedAt, startedAt + 100, false,
                Map.of());
    }

    /**
     * A report of set "lab" with real cells that proves enforcement of changes up to {@code startedAt} when
     * {@code complete} and {@code coverage} is 1 (it carries no mismatch).
     */
    static RoundReport report(long startedAt, boolean complete, double coverage) {
        RoundReport evaluated = new RoundEvaluator(2).evaluate(unanswered("lab-1-boot", startedAt));
        return new RoundReport(evaluated.roundId(), evaluated.expectation(), startedAt, startedAt + 100, complete, null,
                evaluated.cells(), List.of(), coverage, List.of(), List.of(), Map.of(), null);
    }

    /**
     * A plan of set "lab" in which each agent of {@code tasksPerAgent} has that many tasks and each of
     * {@code selfChecking} must self-check.
     */
    static RoundPlan plan(String roundId, Map<String, Integer> tasksPerAgent, String... selfChecking) {
        return plan("lab", roundId, tasksPerAgent, selfChecking);
    }

    static RoundPlan plan(String expectation, String roundId, Map<String, Integer> tasksPerAgent, String... selfChecking) {
        Iterator<ProbeTask> tasks = labTasks().iterator();
        Map<String, List<ProbeTask>> byAgent = new LinkedHashMap<>();
        tasksPerAgent.forEach((agent, n) -> {
            List<ProbeTask> mine = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                mine.add(tasks.next());
            }
            byAgent.put(agent, mine);
        });
        Map<String, List<io.reachproof.protocol.Responder>> checks = new LinkedHashMap<>();
        for (String agent : selfChecking) {
            checks.put(agent, LabFleet.RESPONDERS);
        }
        return new RoundPlan(roundId, expectation, List.of(), byAgent, checks);
    }

    /** {@code agentId}'s result of {@code task} in {@code roundId}, identified by {@code resultId}. */
    static ProbeResult result(String resultId, String roundId, ProbeTask task, String agentId) {
        return new ProbeResult(resultId, task.taskId(), agentId, roundId, Outcome.CONNECTED, 10, 1, task.expectedAgentId(),
                "", 0);
    }

    static SelfCheckStatus selfCheck(String agentId, String roundId) {
        return new SelfCheckStatus(agentId, roundId, List.of(), "", 0);
    }
}
