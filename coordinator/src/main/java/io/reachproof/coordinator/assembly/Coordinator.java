package io.reachproof.coordinator.assembly;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.reachproof.coordinator.api.AgentRoutes;
import io.reachproof.coordinator.api.ApiRequest;
import io.reachproof.coordinator.api.ApiResponse;
import io.reachproof.coordinator.api.ApiRoute;
import io.reachproof.coordinator.api.ApiRouter;
import io.reachproof.coordinator.api.ApiServer;
import io.reachproof.coordinator.api.AgentAuth;
import io.reachproof.coordinator.api.ClusterTokens;
import io.reachproof.coordinator.api.TokenReviewer;
import io.reachproof.coordinator.api.PageRoutes;
import io.reachproof.coordinator.api.RoundEvents;
import io.reachproof.coordinator.api.StatusRoutes;
import io.reachproof.coordinator.evaluate.RoundEvaluator;
import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.plan.WorkloadPods;
import io.reachproof.coordinator.registry.AgentRegistry;
import io.reachproof.coordinator.round.InMemoryRoundHistory;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.PlanBoard;
import io.reachproof.coordinator.round.RoundHistory;
import io.reachproof.coordinator.round.RoundEnricher;
import io.reachproof.coordinator.round.RoundListener;
import io.reachproof.coordinator.round.RoundService;
import io.reachproof.coordinator.round.RoundTrigger;
import io.reachproof.coordinator.schedule.LeaderSchedule;
import io.reachproof.coordinator.schedule.RoundScheduler;
import io.reachproof.coordinator.signal.Episodes;
import io.reachproof.coordinator.store.StoreSettings;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.ProtocolV1;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's round service and API: registry, plan board, planner, round service, Quartz schedule and
 * the HTTP API. Extensions (telemetry, rollback signals) add {@link RoundListener}s and {@link ApiRoute}s before
 * the API starts. A process wires it with {@link io.reachproof.coordinator.assembly.CoordinatorAssembly}, which
 * starts and stops its API ({@link #startApi()}, {@link #stopApi()}) and schedule ({@link #startRounds()},
 * {@link #stopRounds()}) as parts of their own.
 *
 * <p>A coordinator leads unless told otherwise ({@link #leading(boolean)}, driven by Lease leader election).
 * Only the leader schedules and triggers rounds, answers agents and hands finished rounds to the listeners
 * (so only it sends rollback signals); a standby answers agent calls and round triggers with 503 +
 * {@code Retry-After}, {@link #READY_PATH} with 503, and still serves the read-only status endpoints.
 */
public final class Coordinator implements AutoCloseable {

    /** 200 on the leader, 503 on a standby: the readiness probe that routes the Service to the leader. */
    public static final String READY_PATH = "/v1/ready";
    static final String RETRY_AFTER_SECONDS = "5";
    /** How long the page's event feed holds an answer open waiting for a round (below every idle timeout). */
    static final Duration PAGE_EVENTS_WAIT = Duration.ofSeconds(25);
    static final int PAGE_EVENTS_MAX_WAITING = 256;
    /** How many signal episodes the page can show (the newest). */
    static final int PAGE_EPISODES = 200;

    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

    private final CoordinatorSettings settings;
    private final List<LoadedExpectation> expectations;
    private final ObjectMapper mapper = Json.mapper();
    private final AgentRegistry registry;
    private final PlanBoard board;
    private final InMemoryRoundHistory history;
    private final Episodes episodes = new Episodes(PAGE_EPISODES);
    private final RoundService rounds;
    private final ScheduledExecutorService timer;
    private final List<RoundListener> listeners = new CopyOnWriteArrayList<>();
    private final List<ApiRoute> extraRoutes = new ArrayList<>();
    private Map<String, TokenReviewer> tokenReviewers = Map.of();
    private ApiServer server;
    private final LeaderSchedule schedule;
    private volatile Optional<StoreSettings> sharedSchedule = Optional.empty();
    private volatile boolean leader = true;

    public Coordinator(CoordinatorSettings settings, List<LoadedExpectation> expectations, Clock clock) {
        this(settings, expectations, clock, WorkloadPods.NONE);
    }

    /**
     * @param workloadPods the pods of the clusters in workload mode ({@link CoordinatorSettings#workloadClusters}),
     *     current at each round
     */
    public Coordinator(CoordinatorSettings settings, List<LoadedExpectation> expectations, Clock clock,
            WorkloadPods workloadPods) {
        this.settings = requireNonNull(settings, "settings");
        this.expectations = List.copyOf(requireNonNull(expectations, "expectations"));
        requireNonNull(clock, "clock");
        this.timer = Executors.newScheduledThreadPool(1, new DefaultThreadFactory("reachproof-coordinator-timer", true));
        this.registry = new AgentRegistry(clock, settings.registry());
        this.board = new PlanBoard(repeatEvery(expectations), timer, clock.millis() * 1000);
        Set<String> names = new LinkedHashSet<>();
        expectations.forEach(e -> names.add(e.name()));
        this.history = new InMemoryRoundHistory(names, settings.rounds().retainReports());
        RoundListener chain = report -> {
            if (leader) {
                return RoundListener.composite(List.copyOf(listeners)).onRound(report);
            }
            LOG.info("round {} of {} finished after leadership was lost: not handed to listeners",
                    report.roundId(), report.expectation());
            return report;
        };
        this.rounds = new RoundService(clock, registry, board, new ProbePlanner(settings.planner()),
                new RoundEvaluator(settings.failedAttemptsForDeny()), RoundEnricher.NONE, chain, history, expectations,
                settings.rounds(), timer, workloadPods);
        this.schedule = new LeaderSchedule(() -> new RoundScheduler(rounds::runAndWait, this.expectations,
                settings.maxJitter(), sharedSchedule), true);
    }

    /**
     * Schedules rounds on Quartz's clustered JDBC JobStore in {@code store} (the proof record's database), shared with
     * every replica on it, instead of in memory. Before the schedule first starts.
     */
    public synchronized Coordinator scheduleIn(StoreSettings store) {
        sharedSchedule = Optional.of(requireNonNull(store, "store"));
        return this;
    }

    /** While unreachable, agents repeat their last plan at the shortest interval of any set. */
    private static long repeatEvery(List<LoadedExpectation> expectations) {
        return expectations.stream().mapToLong(e -> e.expectation().interval().toMillis()).min().orElse(60_000);
    }

    public synchronized Coordinator addListener(RoundListener listener) {
        listeners.add(requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * The reviewers of the clusters whose agents authenticate by TokenReview ({@link AgentAuthSettings}); set
     * before the API starts.
     */
    public synchronized Coordinator reviewTokensWith(Map<String, TokenReviewer> reviewers) {
        if (server != null) {
            throw new IllegalStateException("the API already started");
        }
        this.tokenReviewers = Map.copyOf(reviewers);
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
        InetSocketAddress bound = startApi();
        if (settings.scheduled()) {
            startRounds();
        }
        return bound;
    }

    /**
     * Starts only the API (the agent protocol, status, readiness and the added routes); returns the address it
     * listens on. {@link #stopApi()} stops it again, also after a failed start (it frees its event loops).
     */
    public synchronized InetSocketAddress startApi() throws InterruptedException {
        if (server != null) {
            throw new IllegalStateException("coordinator already started");
        }
        List<ApiRoute> routes = new ArrayList<>();
        AgentAuth auth = new AgentAuth(new ClusterTokens(settings.tokens()), tokenReviewers,
                settings.agentAuth().audience(), registry);
        new AgentRoutes(mapper, auth, registry, board, rounds,
                settings.pollTimeout(), settings.maxBatchResults()).routes().forEach(r -> routes.add(leaderOnly(r)));
        for (ApiRoute r : new StatusRoutes(mapper, registry, rounds, history, settings.adminToken()).routes()) {
            routes.add(r.method().equals("POST") && r.path().equals(ProtocolV1.ROUNDS) ? leaderOnly(r) : r);
        }
        // the page's feed hears each round last, after the listeners that enrich it (the trace id)
        RoundEvents events = new RoundEvents(mapper, history, PAGE_EVENTS_WAIT, PAGE_EVENTS_MAX_WAITING);
        addListener(events);
        routes.addAll(new PageRoutes(mapper, history, events, episodes, settings.adminToken(), settings.traceUi()).routes());
        routes.add(ApiRoute.of("GET", READY_PATH, r -> leader ? ApiResponse.json(200, "{\"leader\":true}".getBytes(
                StandardCharsets.UTF_8)) : standbyAnswer()));
        routes.addAll(extraRoutes);
        server = new ApiServer(settings.api(), routes);
        return server.start();
    }

    /** Stops the API: the port is free again once this returns. */
    public synchronized void stopApi() {
        if (server != null) {
            server.close();
        }
    }

    /** Stops the round schedule for good (a round already running is finished). */
    public synchronized void stopRounds() {
        schedule.close();
    }

    /** Starts the Quartz schedule of every set (when {@code scheduled} was false at {@link #start()}: later). */
    public synchronized void startRounds() {
        if (server == null) {
            throw new IllegalStateException("start() the coordinator first");
        }
        schedule.want();
    }

    /**
     * This coordinator leads ({@code true}: schedule, triggers, agents, signals) or stands by. Safe from any
     * thread; losing leadership holds the schedule at once (a round already running is finished but not
     * handed to the listeners).
     */
    public void leading(boolean value) {
        leader = value;
        schedule.leading(value);
        LOG.info("coordinator {}", value ? "leads: rounds scheduled" : "stands by: no rounds, agents answered 503");
    }

    public boolean leader() {
        return leader;
    }

    /** Whether the round schedule fires now (leading, and rounds started). */
    public boolean scheduling() {
        return schedule.running();
    }

    private static ApiResponse standbyAnswer() {
        ApiResponse e = ApiRouter.error(503, "this coordinator is a standby; the leader answers (retry)");
        return new ApiResponse(503, e.contentType(), Map.of("Retry-After", RETRY_AFTER_SECONDS), e.body());
    }

    /** {@code route}, answered 503 + Retry-After while this coordinator stands by. */
    private ApiRoute leaderOnly(ApiRoute route) {
        return new ApiRoute() {
            @Override
            public String method() {
                return route.method();
            }

            @Override
            public String path() {
                return route.path();
            }

            @Override
            public void admit(ApiRequest head) {
                route.admit(head);
            }

            @Override
            public CompletionStage<ApiResponse> handle(ApiRequest request) {
                return leader ? route.handle(request) : CompletableFuture.completedFuture(standbyAnswer());
            }

            @Override
            public String toString() {
                return route + " (leader only)";
            }
        };
    }

    /** {@code http://host:port} of the started API. */
    public synchronized URI url() {
        InetSocketAddress a = server.address();
        return URI.create(server.scheme() + "://" + a.getHostString() + ":" + a.getPort());
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

    /** The signal episodes sent from this coordinator (fed by {@link RollbackWiring}), for the page. */
    public Episodes episodes() {
        return episodes;
    }

    public AgentRegistry registry() {
        return registry;
    }

    /**
     * A NetworkPolicy changed (the Kubernetes watch says so): later reports carry it as the suspect until a
     * round matches, and a round of every set starts now.
     */
    public void policyChanged(PolicyChange change) {
        if (!leader) {
            LOG.debug("standby: {} left to the leader", change);
            return;
        }
        rounds.policyChanged(change);
    }

    /** Stops the schedule, the round service, the API and the round timer, in this order. */
    @Override
    public synchronized void close() {
        stopRounds();
        rounds.close();
        stopApi();
        timer.shutdownNow();
    }
}
