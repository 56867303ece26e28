package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/** The answer of {@code GET /v1/agents}. */
public record AgentList(List<AgentStatus> agents, Map<String, Integer> byState) {

    public AgentList {
        agents = List.copyOf(requireNonNull(agents, "agents"));
        byState = Map.copyOf(requireNonNull(byState, "byState"));
    }
}
