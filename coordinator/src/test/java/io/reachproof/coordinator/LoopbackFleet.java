package io.reachproof.coordinator;

import io.reachproof.coordinator.assembly.CoordinatorSettings;
import io.reachproof.coordinator.assembly.Coordinator;
import io.reachproof.agent.Transport;
import io.reachproof.agent.control.ControlLoop;
import io.reachproof.agent.control.ControlSettings;
import io.reachproof.agent.control.NettyAgentRuntime;
import io.reachproof.coordinator.api.ApiServerSettings;
import io.reachproof.coordinator.plan.PlannerSettings;
import io.reachproof.coordinator.registry.RegistrySettings;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.RoundSettings;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.RoundReport;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A coordinator and real Netty agents (responders + prober) talking over loopback HTTP, with short timings: rounds every second,
 * heartbeats every 200 ms, an agent lost after 3 missed heartbeats.
 */
final class LoopbackFleet implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final Path spools;
    private final List<AgentIdentity> identities;
    private final Map<String, ControlLoop> agents = new LinkedHashMap<>();
    private final Map<String, NettyAgentRuntime> runtimes = new ConcurrentHashMap<>();
    final List<RoundReport> reports = new CopyOnWriteArrayList<>();
    Coordinator coordinator;

    LoopbackFleet(Path spools, List<AgentIdentity> identities) {
        this.spools = spools;
        this.identities = List.copyOf(identities);
    }

    /**
     * Agents 0, 1 (frontend: aws, gcp), 4, 5 (checkout: gcp, azure), 6, 8 (payments: aws, azure) of the lab
     * fleet, on addresses of a random 127.X.Y.0/24 so parallel test runs on one machine do not collide.
     */
    static List<AgentIdentity> sixAgentsInThreeClusters() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        String net = "127." + random.nextInt(100, 250) + "." + random.nextInt(1, 250) + ".";
        List<AgentIdentity> six = new ArrayList<>();
        for (int i : new int[] {0, 1, 4, 5, 6, 8}) {
            AgentIdentity a = LabFleet.agent(i);
            six.add(new AgentIdentity(a.agentId(), a.cluster(), a.cloud(), a.region(), a.node(), a.namespace(), a.pod(),
                    List.of(net + (i + 1)), a.podLabels(), a.namespaceLabels(), a.responders(), a.capabilities()));
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
        return startCoordinator(settings(port, scheduled), List.of(LabExpectation.loaded("lab", INTERVAL)));
    }

    Coordinator startCoordinator(CoordinatorSettings settings, List<LoadedExpectation> sets) throws InterruptedException {
        return startCoordinator(settings, sets, c -> { });
    }

    /** A coordinator that {@code beforeStart} wires up (listeners, routes) before it starts. */
    Coordinator startCoordinator(CoordinatorSettings settings, List<LoadedExpectation> sets,
            Consumer<Coordinator> beforeStart) throws InterruptedException {
        coordinator = new Coordinator(settings, sets, Clock.systemUTC());
        coordinator.addListener(report -> {
            reports.add(report);
            return report;
        });
        beforeStart.accept(coordinator);
        coordinator.start();
        return coordinator;
    }

    void startAgents(URI url) {
        for (AgentIdentity id : identities) {
            ControlSettings s = new ControlSettings(url, LabFleet.token(id.cluster()), spools.resolve(id.agentId()), 100_000,
                    Duration.ofMillis(100), Duration.ofSeconds(2));
            NettyAgentRuntime runtime = NettyAgentRuntime.start(id, id.addresses().get(0), Transport.detect(), 1, 16);
            runtimes.put(id.agentId(), runtime);
            ControlLoop loop = new ControlLoop(id, s, Json.mapper(), runtime.runner(), runtime.selfChecker(),
                    ControlLoop.newScheduler(id.agentId()), Clock.systemUTC());
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

    /** The agent dies: no heartbeats, no polls, and its responders are gone (probes at it are refused). */
    void kill(String id) {
        agents.get(id).close();
        runtimes.remove(id).close();
    }

    void stopAgents() {
        agents.values().forEach(ControlLoop::close);
        runtimes.values().forEach(NettyAgentRuntime::close);
        runtimes.clear();
    }

    @Override
    public void close() {
        stopAgents();
        if (coordinator != null) {
            coordinator.close();
        }
    }
}
