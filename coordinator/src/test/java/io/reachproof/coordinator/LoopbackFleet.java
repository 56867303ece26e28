package io.reachproof.coordinator;

import io.reachproof.agent.control.ControlLoop;
import io.reachproof.agent.control.ControlSettings;
import io.reachproof.agent.control.SelfChecker;
import io.reachproof.agent.control.TaskRunner;
import io.reachproof.coordinator.api.ApiServerSettings;
import io.reachproof.coordinator.plan.PlannerSettings;
import io.reachproof.coordinator.registry.RegistrySettings;
import io.reachproof.coordinator.round.RoundSettings;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.RoundReport;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A coordinator and agents talking over loopback HTTP, with short timings: rounds every second,
 * heartbeats every 200 ms, an agent lost after 3 missed heartbeats.
 */
final class LoopbackFleet implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final Path spools;
    private final List<AgentIdentity> identities;
    private final Map<String, ControlLoop> agents = new LinkedHashMap<>();
    private final Set<String> dead = ConcurrentHashMap.newKeySet();
    final List<RoundReport> reports = new CopyOnWriteArrayList<>();
    Coordinator coordinator;

    LoopbackFleet(Path spools, List<AgentIdentity> identities) {
        this.spools = spools;
        this.identities = List.copyOf(identities);
    }

    /** Agents 0, 1 (frontend: aws, gcp), 4, 5 (checkout: gcp, azure), 6, 8 (payments: aws, azure) of the lab fleet. */
    static List<AgentIdentity> sixAgentsInThreeClusters() {
        List<AgentIdentity> six = new ArrayList<>();
        for (int i : new int[] {0, 1, 4, 5, 6, 8}) {
            six.add(LabFleet.agent(i));
        }
        return six;
    }

    static CoordinatorSettings settings(int port, boolean scheduled) {
        return CoordinatorSettings.defaults(port, LabFleet.tokens())
                .withApi(ApiServerSettings.loopback(port))
                .withRegistry(new RegistrySettings(Duration.ofMillis(200), 3, Duration.ofMinutes(5)))
                .withPlanner(new PlannerSettings(1, 100, 2, 200), 2)
                .withRounds(new RoundSettings(Duration.ofMillis(500), 32, 100))
                .withPollTimeout(Duration.ofSeconds(2))
                .withScheduled(scheduled);
    }

    Coordinator startCoordinator(int port, boolean scheduled) throws InterruptedException {
        coordinator = new Coordinator(settings(port, scheduled), List.of(LabExpectation.loaded("lab", INTERVAL)), Clock.systemUTC());
        coordinator.addListener(report -> {
            reports.add(report);
            return report;
        });
        coordinator.start();
        return coordinator;
    }

    void startAgents(URI url) {
        for (AgentIdentity id : identities) {
            ControlSettings s = new ControlSettings(url, LabFleet.token(id.cluster()), spools.resolve(id.agentId()), 100_000,
                    Duration.ofMillis(100), Duration.ofSeconds(2));
            ControlLoop loop = new ControlLoop(id, s, Json.mapper(), runner(id), checker(id), Clock.systemUTC());
            agents.put(id.agentId(), loop);
            loop.start();
        }
    }

    ControlLoop agent(String id) {
        return agents.get(id);
    }

    Map<String, ControlLoop> agents() {
        return agents;
    }

    /** The agent stops: no heartbeats, no polls, and its responders no longer answer. */
    void kill(String id) {
        dead.add(id);
        agents.get(id).close();
    }

    /**
     * Stands in for the prober until the Netty prober is wired: a target that is alive answers with its
     * identity, a killed one refuses every attempt.
     */
    private TaskRunner runner(AgentIdentity self) {
        return (task, roundId) -> {
            boolean down = task.expectedAgentId() != null && dead.contains(task.expectedAgentId());
            return CompletableFuture.completedFuture(new ProbeResult(UUID.randomUUID().toString(), task.taskId(),
                    self.agentId(), roundId, down ? Outcome.REFUSED : Outcome.CONNECTED, 100,
                    down ? task.attempts() : 1, down ? null : task.expectedAgentId(), "", System.currentTimeMillis()));
        };
    }

    private SelfChecker checker(AgentIdentity self) {
        return () -> CompletableFuture.completedFuture(List.of());
    }

    void stopAgents() {
        agents.values().forEach(ControlLoop::close);
    }

    @Override
    public void close() {
        stopAgents();
        if (coordinator != null) {
            coordinator.close();
        }
    }
}
