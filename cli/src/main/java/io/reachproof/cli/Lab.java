package io.reachproof.cli;

import static java.util.Objects.requireNonNull;

import io.reachproof.agent.control.AgentRuntime;
import io.reachproof.agent.control.ControlLoop;
import io.reachproof.agent.control.ControlSettings;
import io.reachproof.coordinator.assembly.CoordinatorSettings;
import io.reachproof.coordinator.api.ApiServerSettings;
import io.reachproof.coordinator.assembly.CoordinatorAssembly;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.coordinator.plan.PlannerSettings;
import io.reachproof.coordinator.registry.RegistrySettings;
import io.reachproof.coordinator.round.RoundSettings;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The lab's agent fleet, started around a coordinator assembly: agent {@code i} of the lab fleet convention on
 * its own loopback address, talking to the coordinator over HTTP like any agent, its results spooled under a
 * temporary directory.
 */
final class Lab implements AutoCloseable {

    private final List<AgentRuntime> running = new ArrayList<>();
    private final List<ControlLoop> loops = new ArrayList<>();
    private final Path spools;

    private Lab(Path spools) {
        this.spools = spools;
    }

    /** The lab coordinator on loopback {@code port}: short timings, rounds only once the fleet has registered. */
    static CoordinatorSettings settings(int port) {
        return CoordinatorSettings.defaults(port, LabFleet.tokens())
                .withApi(ApiServerSettings.loopback(port))
                .withRegistry(new RegistrySettings(Duration.ofSeconds(1), 3, Duration.ofMinutes(1)))
                .withPlanner(new PlannerSettings(1, 500, 2, 1000), 2)
                .withRounds(new RoundSettings(Duration.ofSeconds(1), 32, 20))
                .withPollTimeout(Duration.ofSeconds(10))
                .withScheduled(false);
    }

    /**
     * Starts the fleet around {@code assembly} (which then stops it before its own parts) and, once every agent
     * has registered, the round schedule.
     */
    static CoordinatorAssembly startAround(CoordinatorAssembly assembly, int agents, String net,
            Function<AgentIdentity, AgentRuntime> runtimes) throws IOException, InterruptedException {
        assembly.own("lab agents", start(agents, net, assembly.url(), runtimes));
        assembly.startRounds();
        return assembly;
    }

    /**
     * Starts {@code agents} agents (addresses in {@code net}) against the coordinator at {@code url}; returns once
     * every agent has registered. When they do not within 30s, an IllegalStateException says how many did, and
     * the agents are stopped again.
     */
    static Lab start(int agents, String net, URI url, Function<AgentIdentity, AgentRuntime> runtimes)
            throws IOException, InterruptedException {
        requireNonNull(runtimes, "runtimes");
        Lab lab = new Lab(Files.createTempDirectory("reachproof-lab-"));
        try {
            lab.startAgents(agents, net, url, runtimes);
            return lab;
        } catch (RuntimeException | InterruptedException e) {
            lab.close();
            throw e;
        }
    }

    private void startAgents(int agents, String net, URI url, Function<AgentIdentity, AgentRuntime> runtimes)
            throws InterruptedException {
        List<CompletableFuture<Void>> registered = new ArrayList<>();
        for (AgentIdentity id : LabFleet.agents(agents, net)) {
            AgentRuntime runtime = runtimes.apply(id);
            running.add(runtime);
            ControlSettings control = new ControlSettings(url, LabFleet.token(id.cluster()), spools.resolve(id.agentId()),
                    10_000, Duration.ofMillis(500), Duration.ofSeconds(5));
            ControlLoop loop = new ControlLoop(id, control, Json.mapper(), runtime.runner(), runtime.selfChecker(),
                    ControlLoop.newScheduler(id.agentId()), Clock.systemUTC());
            loops.add(loop);
            loop.start();
            registered.add(loop.registered());
        }
        try {
            CompletableFuture.allOf(registered.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            long done = registered.stream().filter(CompletableFuture::isDone).count();
            throw new IllegalStateException("only " + done + " of " + agents + " agents registered within 30s");
        }
    }

    /** Stops the agents' control loops, then their responders, and removes the spools. */
    @Override
    public void close() {
        loops.forEach(ControlLoop::close);
        running.forEach(AgentRuntime::close);
        try (Stream<Path> files = Files.walk(spools)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
