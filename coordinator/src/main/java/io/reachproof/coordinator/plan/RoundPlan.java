package io.reachproof.coordinator.plan;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Responder;
import java.util.List;
import java.util.Map;

/**
 * What one round of one expectation set probes: its cells, each agent's tasks, and the responders each
 * agent must self-check because others probe them.
 */
public record RoundPlan(
        String roundId,
        String expectation,
        List<PlannedCell> cells,
        Map<String, List<ProbeTask>> tasksByAgent,
        Map<String, List<Responder>> selfChecksByAgent) {

    public RoundPlan {
        requireNonNull(roundId, "roundId");
        requireNonNull(expectation, "expectation");
        cells = List.copyOf(requireNonNull(cells, "cells"));
        tasksByAgent = Map.copyOf(requireNonNull(tasksByAgent, "tasksByAgent"));
        selfChecksByAgent = Map.copyOf(requireNonNull(selfChecksByAgent, "selfChecksByAgent"));
    }

    public int taskCount() {
        return tasksByAgent.values().stream().mapToInt(List::size).sum();
    }

    /** Agents that take part: they send probes, or are probed and must self-check. */
    public java.util.Set<String> participants() {
        java.util.Set<String> all = new java.util.TreeSet<>(tasksByAgent.keySet());
        all.addAll(selfChecksByAgent.keySet());
        return all;
    }
}
