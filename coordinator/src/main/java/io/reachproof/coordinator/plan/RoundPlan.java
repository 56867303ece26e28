package io.reachproof.coordinator.plan;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.PodListener;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Responder;
import java.util.List;
import java.util.Map;

/**
 * What one round of one expectation set probes: its cells, each agent's tasks, the responders each
 * agent must self-check because others probe them, and (workload mode) the destination pods' ports each
 * agent must make answer on its node before anything is probed.
 */
public record RoundPlan(
        String roundId,
        String expectation,
        List<PlannedCell> cells,
        Map<String, List<ProbeTask>> tasksByAgent,
        Map<String, List<Responder>> selfChecksByAgent,
        Map<String, List<PodListener>> prepareByAgent) {

    public RoundPlan {
        requireNonNull(roundId, "roundId");
        requireNonNull(expectation, "expectation");
        cells = List.copyOf(requireNonNull(cells, "cells"));
        tasksByAgent = Map.copyOf(requireNonNull(tasksByAgent, "tasksByAgent"));
        selfChecksByAgent = Map.copyOf(requireNonNull(selfChecksByAgent, "selfChecksByAgent"));
        prepareByAgent = Map.copyOf(requireNonNull(prepareByAgent, "prepareByAgent"));
    }

    /** An agent-mode plan: nothing to prepare. */
    public RoundPlan(String roundId, String expectation, List<PlannedCell> cells, Map<String, List<ProbeTask>> tasksByAgent,
            Map<String, List<Responder>> selfChecksByAgent) {
        this(roundId, expectation, cells, tasksByAgent, selfChecksByAgent, Map.of());
    }

    /** True when the round has a first phase: destination pods to prepare before probing. */
    public boolean preparing() {
        return !prepareByAgent.isEmpty();
    }

    public int taskCount() {
        return tasksByAgent.values().stream().mapToInt(List::size).sum();
    }

    /** Agents that take part: they send probes, are probed and must self-check, or prepare destination pods. */
    public java.util.Set<String> participants() {
        java.util.Set<String> all = new java.util.TreeSet<>(tasksByAgent.keySet());
        all.addAll(selfChecksByAgent.keySet());
        all.addAll(prepareByAgent.keySet());
        return all;
    }
}
