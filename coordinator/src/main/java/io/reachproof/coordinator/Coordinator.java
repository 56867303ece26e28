package io.reachproof.coordinator;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.coordinator.api.AgentRoutes;
import io.reachproof.coordinator.api.ApiRoute;
import io.reachproof.coordinator.api.ApiServer;
import io.reachproof.coordinator.api.ClusterTokens;
import io.reachproof.coordinator.api.StatusRoutes;
import io.reachproof.coordinator.evaluate.RoundEvaluator;
import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.registry.AgentRegistry;
import io.reachproof.coordinator.round.InMemoryRoundHistory;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.PlanBoard;
import io.reachproof.coordinator.round.RoundHistory;
import io.reachproof.coordinator.round.RoundListener;
import io.reachproof.coordinator.round.RoundService;
import io.reachproof.coordinator.round.RoundTrigger;
import io.reachproof.coordinator.schedule.RoundScheduler;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.PolicyChange;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The coordinator, assembled: registry, plan board, planner, round service, Quartz schedule and the HTTP
 * API. Extensions (telemetry, rollback signals) add {@link RoundListener}s and {@link ApiRoute}s before
 * {@link #start()}.
 */
public final class Coordinator implements AutoCloseable {

    private final CoordinatorSettings settings;
    private final List<LoadedExpectation> expectations;
    private final ObjectMapper mapper = Json.mapper();
    private final AgentRegistry registry;
    private final PlanBoard board;
    private final InMemoryRoundHistory history;
    private final RoundService rounds;
    private final ScheduledExecutorService timer;
    private final List<RoundListener> listeners = new CopyOnWriteArrayList<>();
    private final List<ApiRoute> extraRoutes = new ArrayList<>();
    private ApiServer server;
    private RoundScheduler scheduler;

    public Coordinator(CoordinatorSettings settings, List<LoadedExpectation> expectations, Clock clock) {
        this.settings = requireNonNull(settings, "settings");
        this.expectations = List.copyOf(requireNonNull(expectations, "expectations"));
        requireNonNull(clock, "clock");
        this.timer = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "reachproof-coordinator-timer");
            t.setDaemon(true);
            return t;
        });
        this.registry = new AgentRegistry(clock, settings.registry());
        this.board = new PlanBoard(repeatEvery(expectations), timer, clock.millis() * 1000);
        Set<String> names = new LinkedHashSet<>();
        expectations.forEach(e -> names.add(e.name()));
        this.history = new InMemoryRoundHistory(names, settings.rounds().retainReports());
        RoundListener chain = report -> RoundListener.composite(List.copyOf(listeners)).onRound(report);
        this.rounds = new RoundService(clock, registry, board, new ProbePlanner(settings.planner()),
                new RoundEvaluator(settings.failedAttemptsForDeny()), chain, history, expectations, settings.rounds(), timer);
    }

    /** While unreachable, agents repeat their last plan at the shortest interval of any set. */
    private static long repeatEvery(List<LoadedExpectation> expectations) {
        return expectations.stream().mapToLong(e -> e.expectation().interval().toMillis()).min().orElse(60_000);
    }

    public synchronized Coordinator addListener(RoundListener listener) {
        listeners.add(requireNonNull(listener, "listener"));
        return this;
    }

    public synchronized Coordinator addRoute(ApiRoute route) {
        if (server != null) {
            throw new IllegalStateException("routes must be added before start()");
        }
        extraRoutes.add(requireNonNull(route, "route"));
        return this;
    }

    /** Starts the API and (when configured) the schedule; returns the address the API listens on. */
    public synchronized InetSocketAddress start() throws InterruptedException {
        if (server != null) {
            throw new IllegalStateException("coordinator already started");
        }
        List<ApiRoute> routes = new ArrayList<>();
        routes.addAll(new AgentRoutes(mapper, new ClusterTokens(settings.tokens()), registry, board, rounds,
                settings.pollTimeout(), settings.maxBatchResults()).routes());
        routes.addAll(new StatusRoutes(mapper, registry, rounds, history, settings.adminToken()).routes());
        routes.addAll(extraRoutes);
        server = new ApiServer(settings.api(), routes);
        InetSocketAddress bound = server.start();
        if (settings.scheduled()) {
            startRounds();
        }
        return bound;
    }

    /** Starts the Quartz schedule of every set (when {@code scheduled} was false at {@link #start()}: later). */
    public synchronized void startRounds() {
        if (server == null) {
            throw new IllegalStateException("start() the coordinator first");
        }
        if (scheduler == null) {
            scheduler = new RoundScheduler(rounds, expectations, settings.maxJitter());
            scheduler.start();
        }
    }

    /** {@code http://host:port} of the started API. */
    public synchronized URI url() {
        InetSocketAddress a = server.address();
        return URI.create("http://" + a.getHostString() + ":" + a.getPort());
    }

    public RoundTrigger rounds() {
        return rounds;
    }

    public RoundService roundService() {
        return rounds;
    }

    public RoundHistory history() {
        return history;
    }

    public AgentRegistry registry() {
        return registry;
    }

    /**
     * A NetworkPolicy changed (the Kubernetes watch says so): later reports carry it as the suspect until a
     * round matches, and a round of every set starts now.
     */
    public void policyChanged(PolicyChange change) {
        rounds.policyChanged(change);
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.close();
        }
        rounds.close();
        if (server != null) {
            server.close();
        }
        timer.shutdownNow();
    }
}
