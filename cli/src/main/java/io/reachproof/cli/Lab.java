package io.reachproof.cli;

import static java.util.Objects.requireNonNull;

import io.reachproof.agent.control.AgentRuntime;
import io.reachproof.agent.control.ControlLoop;
import io.reachproof.agent.control.ControlSettings;
import io.reachproof.coordinator.Coordinator;
import io.reachproof.coordinator.CoordinatorSettings;
import io.reachproof.coordinator.api.ApiServerSettings;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.coordinator.plan.PlannerSettings;
import io.reachproof.coordinator.registry.RegistrySettings;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.RoundListener;
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
 * A coordinator and a fleet of agents on this machine: agent {@code i} of the lab fleet convention on its
 * own loopback address, talking to the coordinator over HTTP like any agent, its results spooled under a
 * temporary directory.
 */
final class Lab implements AutoCloseable {

    private final int agents;
    private final String net;
    private final List<LoadedExpectation> sets;
    private final Function<AgentIdentity, AgentRuntime> runtimes;
    private final List<AgentRuntime> running = new ArrayList<>();
    private final List<ControlLoop> loops = new ArrayList<>();
    private final Path spools;
    private final Coordinator coordinator;

    Lab(int agents, int port, String net, List<LoadedExpectation> sets, Function<AgentIdentity, AgentRuntime> runtimes,
            RoundListener onRound) throws IOException {
        this.agents = agents;
        this.net = net;
        this.sets = List.copyOf(sets);
        this.runtimes = requireNonNull(runtimes, "runtimes");
        this.spools = Files.createTempDirectory("reachproof-lab-");
        this.coordinator = new Coordinator(settings(port), this.sets, Clock.systemUTC());
        coordinator.addListener(onRound);
    }

    static CoordinatorSettings settings(int port) {
        return CoordinatorSettings.defaults(port, LabFleet.tokens())
                .withApi(ApiServerSettings.loopback(port))
                .withRegistry(new RegistrySettings(Duration.ofSeconds(1), 3, Duration.ofMinutes(1)))
                .withPlanner(new PlannerSettings(1, 500, 2, 1000), 2)
                .withRounds(new RoundSettings(Duration.ofSeconds(1), 32, 20))
                .withPollTimeout(Duration.ofSeconds(10))
                .withScheduled(false);
    }

    Coordinator coordinator() {
        return coordinator;
    }

    /** Starts the coordinator, then the agents; rounds begin once every agent has registered. */
    URI start() throws Exception {
        coordinator.start();
        URI url = coordinator.url();
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
        coordinator.startRounds();
        return url;
    }

    @Override
    public void close() {
        loops.forEach(ControlLoop::close);
        running.forEach(AgentRuntime::close);
        coordinator.close();
        try (Stream<Path> files = Files.walk(spools)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
