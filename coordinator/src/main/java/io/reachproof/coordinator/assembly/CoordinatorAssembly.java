package io.reachproof.coordinator.assembly;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.reachproof.coordinator.api.TokenReviewer;
import io.reachproof.coordinator.drift.DriftMonitor;
import io.reachproof.coordinator.drift.DriftRoute;
import io.reachproof.coordinator.drift.DriftSignal;
import io.reachproof.coordinator.drift.DriftSinks;
import io.reachproof.coordinator.drift.PodTopology;
import io.reachproof.coordinator.kube.KubernetesClients;
import io.reachproof.coordinator.kube.KubernetesTokenReviewer;
import io.reachproof.coordinator.kube.LeaderElection;
import io.reachproof.coordinator.kube.NetworkPolicyWatch;
import io.reachproof.coordinator.kube.PodInventory;
import io.reachproof.coordinator.plan.WorkloadPod;
import io.reachproof.coordinator.plan.WorkloadPods;
import io.reachproof.coordinator.restore.PolicyWriter;
import io.reachproof.coordinator.restore.ProvenPolicies;
import io.reachproof.coordinator.restore.RestoreMemory;
import io.reachproof.coordinator.restore.RollbackNotices;
import io.reachproof.coordinator.restore.RollbackRecord;
import io.reachproof.coordinator.restore.RollbackRoute;
import io.reachproof.coordinator.restore.RollbackScope;
import io.reachproof.coordinator.restore.Rollbacks;
import io.reachproof.coordinator.restore.StoreRestoreMemory;
import io.reachproof.coordinator.rollback.RollbackSink;
import io.reachproof.coordinator.rollback.WebhookSink;
import io.reachproof.coordinator.round.RoundHistory;
import io.reachproof.coordinator.store.RecordedRoundHistory;
import io.reachproof.coordinator.telemetry.Telemetry;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator process, assembled in one place: {@link #start} builds and starts its parts in this order
 * and {@link #close()} stops them in reverse (as Strimzi's {@code Main} does):
 * <ol>
 *   <li>telemetry (its round listener and {@code /metrics});</li>
 *   <li>the proof record, when configured: the store, migrated (an unreachable database or a schema newer than known
 *       fails the start naming the URL or both versions), its round listener, rollback sink and {@code /v1/report};</li>
 *   <li>the Kubernetes clients, when Kubernetes is used, and the pod inventory (Pods and Namespaces informers) of
 *       each cluster in workload mode;</li>
 *   <li>the round service (registry, plan board, rounds, history; a standby until elected when leader election
 *       is configured);</li>
 *   <li>the rollback signals: the webhook and Event sinks, rollback as an action where configured (its proven policy
 *       sets and {@code /v1/rollback}), the signal listener and the gate endpoint;</li>
 *   <li>the NetworkPolicy watch of each watched cluster: before the API, so the first round already has every
 *       cluster's policies;</li>
 *   <li>the API server;</li>
 *   <li>the round schedule (at once when the settings say {@code scheduled}, else on {@link #startRounds()});</li>
 *   <li>leader election, last: stopped first, it releases the Lease so a standby takes over at once.</li>
 * </ol>
 * Round listeners hear a finished round in this order: telemetry (the report gains its trace id), the command's
 * own listeners, the proof record, the rollback signals.
 *
 * <p>A part that cannot start stops every part started before it, in reverse, and the start fails with a
 * {@link StartFailure} naming the part. A command may {@link #own} parts it starts around the assembly (the lab's
 * agent fleet): they stop before everything else. {@link #closeOnShutdown()} is the process's one shutdown hook.
 */
public final class CoordinatorAssembly implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorAssembly.class);
    /** How often the sync groups are looked at (compared again only when the policies changed). */
    static final Duration DRIFT_CHECK = Duration.ofSeconds(1);
    /** How often they are compared anyway (the pods change the cells). */
    static final Duration DRIFT_REFRESH = Duration.ofMinutes(1);
    /** How many proven policy sets are kept per cluster (for {@code reachproof rollback --to-version}). */
    static final int PROVEN_KEPT = 20;

    private final AssemblySettings settings;
    private final StartedParts parts = new StartedParts();
    private final CountDownLatch closed = new CountDownLatch(1);
    private Telemetry telemetry;
    private Optional<ClusterClients> clients = Optional.empty();
    private Coordinator coordinator;
    private List<RollbackSink> sinks = List.of();
    private RollbackWiring rollback;
    private Optional<LeaderElection> election = Optional.empty();
    private WorkloadPods pods = WorkloadPods.NONE;
    private Optional<ProvenPolicies> proven = Optional.empty();
    private Optional<RecordWiring> record = Optional.empty();
    private Thread shutdownHook;

    private CoordinatorAssembly(AssemblySettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    /**
     * Builds and starts every part; returns once the API listens. A part that cannot start is a
     * {@link StartFailure} naming it, with every part started before it stopped again.
     */
    public static CoordinatorAssembly start(AssemblySettings settings) throws StartFailure, InterruptedException {
        CoordinatorAssembly assembly = new CoordinatorAssembly(settings);
        try {
            assembly.startParts();
            return assembly;
        } catch (StartFailure e) {
            assembly.stop();
            throw e.afterClosing(assembly.parts.closed());
        } catch (InterruptedException | RuntimeException e) {
            assembly.stop();
            throw e;
        }
    }

    private void startParts() throws StartFailure, InterruptedException {
        try {
            telemetry = settings.telemetry().get();
        } catch (IllegalArgumentException e) {
            throw new StartFailure(e.getMessage(), e);
        }
        parts.started("telemetry", telemetry);

        if (settings.record().isPresent()) {
            RecordWiring started = RecordWiring.start(settings.record().get());
            parts.started("proof record", started);
            record = Optional.of(started);
            telemetry.observeStore(started.store()::up, started.store()::pending, started.store()::dropped);
        }

        Optional<KubernetesSettings> kubernetes = settings.kubernetes();
        if (kubernetes.isPresent()) {
            ClusterClients made = ClusterClients.connect(kubernetes.get());
            parts.started("Kubernetes clients", made);
            clients = Optional.of(made);
        }

        pods = workloadPods();
        coordinator = new Coordinator(settings.coordinator(), settings.expectations(), settings.clock(), pods);
        // with a proof record, every replica on its database shares one Quartz schedule (clustered JDBC JobStore)
        settings.record().ifPresent(r -> coordinator.scheduleIn(r.store()));
        parts.started("round service", coordinator);
        if (kubernetes.flatMap(KubernetesSettings::leaderElection).isPresent()) {
            coordinator.leading(false);
        }
        coordinator.addListener(telemetry.roundListener()).addRoute(telemetry.metricsRoute());
        settings.listeners().forEach(coordinator::addListener);
        coordinator.reviewTokensWith(tokenReviewers());
        record.ifPresent(r -> coordinator.addListener(r.roundListener())
                .addRoute(r.route(settings.coordinator().adminToken(), settings.clock())));

        sinks = startSinks();
        List<RollbackSink> signalled = new ArrayList<>(sinks);
        record.ifPresent(r -> signalled.add(r.sink()));
        if (kubernetes.isPresent() && !kubernetes.get().rollback().isEmpty()) {
            signalled.add(startRollbacks(kubernetes.get()));
        }
        rollback = RollbackWiring.install(coordinator, signalled, settings.confirmations(),
                settings.coordinator().adminToken(), record.map(r -> r.gateListener(settings.clock()))
                        .orElse((expectation, decision) -> { }),
                // a new leader's gate answers from the record's rounds until it has a complete round of its own
                record.<RoundHistory>map(r -> new RecordedRoundHistory(coordinator.history(), r.store()))
                        .orElse(coordinator.history()));
        parts.started("rollback signals", rollback);
        if (kubernetes.flatMap(KubernetesSettings::leaderElection).isEmpty()) {
            continueEpisodes();
        }

        if (kubernetes.isPresent()) {
            startWatches(kubernetes.get());
            if (!kubernetes.get().syncGroups().isEmpty()) {
                startDrift(kubernetes.get());
            }
        }

        // stopped also after a failed bind: that frees the server's event loops
        parts.started("API server", coordinator::stopApi);
        try {
            coordinator.startApi();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new StartFailure("cannot start the coordinator on " + settings.coordinator().api().bindAddress() + ":"
                    + settings.coordinator().api().port() + ": " + e.getMessage(), e);
        }

        parts.started("round schedule", coordinator::stopRounds);
        if (settings.coordinator().scheduled()) {
            coordinator.startRounds();
        }

        if (kubernetes.isPresent() && kubernetes.get().leaderElection().isPresent()) {
            KubernetesSettings k = kubernetes.get();
            try {
                LeaderElection started = LeaderElection.start(clients.orElseThrow().own().orElseThrow(),
                        k.leaderElection().get(), k.instance(), this::leading);
                parts.started("leader election", started);
                election = Optional.of(started);
            } catch (IllegalArgumentException e) {
                throw new StartFailure(k.leaderElectionLabel() + ": " + e.getMessage(), e);
            }
        }
        LOG.info("coordinator started: {}", parts.running());
    }

    /** The policies in force in {@code cluster}, kept in the proof record (a version per content). */
    private void recordPolicies(KubernetesSettings kubernetes, String cluster) {
        record.ifPresent(r -> kubernetes.policies().objects(cluster).ifPresent(objects ->
                new PolicyRecorder(r.store(), settings.clock(), kubernetes.instance()).record(cluster, objects.values())));
    }

    /** Elected: first continue the episodes a former leader left open, then schedule; deposed: stand by. */
    private void leading(boolean value) {
        if (value) {
            continueEpisodes();
        }
        coordinator.leading(value);
    }

    /**
     * The open episodes of the proof record, continued by the rollback signals (same episode ids, so the same
     * idempotency keys, and resolved here). A database that cannot be read now leaves them to the receivers.
     */
    private void continueEpisodes() {
        record.ifPresent(r -> {
            try {
                int taken = rollback.resume(r.store().openEpisodes());
                if (taken > 0) {
                    LOG.info("continuing {} open episodes from the proof record", taken);
                }
            } catch (io.reachproof.coordinator.store.StoreException e) {
                LOG.warn("cannot read the open episodes from the proof record; a former leader's open episodes are not"
                        + " continued", e);
            }
        });
    }

    /** The webhook sink (if configured), then an Event sink per watched cluster; none when one cannot start. */
    private List<RollbackSink> startSinks() {
        List<RollbackSink> made = new ArrayList<>();
        try {
            settings.webhook().ifPresent(w -> made.add(WebhookSink.start(w)));
            clients.ifPresent(c -> made.addAll(RollbackWiring.events(c.byCluster(), settings.kubernetes().get().instance())));
            return made;
        } catch (RuntimeException e) {
            made.forEach(RollbackSink::close);
            throw e;
        }
    }

    /**
     * The pod inventory of each cluster in workload mode, started and listed (a round plans with what they hold
     * then); each such cluster must be watched.
     */
    private WorkloadPods workloadPods() throws StartFailure {
        Map<String, PodInventory> inventories = new LinkedHashMap<>();
        for (String cluster : settings.coordinator().workloadClusters()) {
            boolean watched = settings.kubernetes().map(k -> k.clusters().stream().anyMatch(c -> c.name().equals(cluster)))
                    .orElse(false);
            if (!watched) {
                throw new StartFailure("workloadMode.clusters names cluster " + cluster + ", which is not watched: its"
                        + " groups select its pods, read from its API server, so watch it (--kubernetes " + cluster
                        + "[=KUBECONFIG])", null);
            }
            KubernetesClient client = clients.orElseThrow().of(cluster);
            PodInventory inventory;
            try {
                inventory = PodInventory.start(client, cluster);
            } catch (KubernetesClientException e) {
                throw new StartFailure("cluster " + cluster + ": cannot list Pods and Namespaces at " + client.getMasterUrl()
                        + " for workload mode: " + KubernetesClients.problem(e), e);
            }
            parts.started("pod inventory of cluster " + cluster, inventory);
            inventories.put(cluster, inventory);
        }
        if (inventories.isEmpty()) {
            return WorkloadPods.NONE;
        }
        return () -> {
            Map<String, List<WorkloadPod>> pods = new LinkedHashMap<>();
            inventories.forEach((cluster, inventory) -> pods.put(cluster, inventory.pods()));
            return pods;
        };
    }

    /** A TokenReview client for each cluster whose agents present service-account tokens; each must be watched. */
    private Map<String, TokenReviewer> tokenReviewers() throws StartFailure {
        Map<String, TokenReviewer> reviewers = new LinkedHashMap<>();
        for (String cluster : settings.coordinator().agentAuth().tokenReviewClusters()) {
            boolean watched = settings.kubernetes().map(k -> k.clusters().stream().anyMatch(c -> c.name().equals(cluster)))
                    .orElse(false);
            if (!watched) {
                throw new StartFailure("tokenReview.clusters names cluster " + cluster + ", which is not watched: its agents'"
                        + " tokens are reviewed by its API server, so watch it (--kubernetes " + cluster + "[=KUBECONFIG])", null);
            }
            reviewers.put(cluster, new KubernetesTokenReviewer(clients.orElseThrow().of(cluster)));
        }
        return reviewers;
    }

    private void startWatches(KubernetesSettings kubernetes) throws StartFailure {
        Map<String, BooleanSupplier> watching = new LinkedHashMap<>();
        for (ClusterAccess c : kubernetes.clusters()) {
            KubernetesClient client = clients.orElseThrow().of(c.name());
            NetworkPolicyWatch watch;
            try {
                watch = NetworkPolicyWatch.start(client, c.name(), settings.clock(), kubernetes.policies(), change -> {
                    proven.ifPresent(p -> p.changed(change));
                    coordinator.policyChanged(change);
                    recordPolicies(kubernetes, change.cluster());
                });
                recordPolicies(kubernetes, c.name());
            } catch (KubernetesClientException e) {
                throw new StartFailure(c.label() + ": cannot list NetworkPolicies at " + client.getMasterUrl() + ": "
                        + KubernetesClients.problem(e), e);
            }
            parts.started("NetworkPolicy watch of cluster " + c.name(), watch);
            watching.put(c.name(), watch::watching);
        }
        telemetry.observePolicyWatches(watching);
    }

    /**
     * Rollback as an action in the clusters that have a scope: their proven policy sets (a round listener), the
     * rollbacks themselves (a signal sink, returned), reported to the webhook and as Events, and
     * {@code GET /v1/rollbacks}, {@code POST /v1/rollback}.
     */
    private Rollbacks startRollbacks(KubernetesSettings kubernetes) {
        Map<String, RollbackScope> scopes = new LinkedHashMap<>();
        kubernetes.rollback().forEach(s -> scopes.put(s.cluster(), s));
        // with a proof record, proven sets and rollbacks outlive this leader: the next one restores to the same set
        RestoreMemory memory = record.<RestoreMemory>map(r -> new StoreRestoreMemory(r.store())).orElse(RestoreMemory.NONE);
        ProvenPolicies provenSets = new ProvenPolicies(kubernetes.policies()::objects, scopes.keySet(), PROVEN_KEPT, memory);
        coordinator.addListener(provenSets);
        proven = Optional.of(provenSets);
        List<Consumer<RollbackRecord>> to = new ArrayList<>();
        sinks.stream().filter(WebhookSink.class::isInstance).map(WebhookSink.class::cast)
                .forEach(w -> to.add(RollbackNotices.webhook(w)));
        to.add(RollbackNotices.events(clients.orElseThrow().byCluster(), kubernetes.instance()));
        Rollbacks rollbacks = new Rollbacks(scopes, provenSets, kubernetes.policies()::objects,
                PolicyWriter.kubernetes(clients.orElseThrow().byCluster()), r -> to.forEach(c -> c.accept(r)), this::proveNow,
                settings.clock(), memory);
        parts.started("rollback in " + String.join(", ", scopes.keySet()), rollbacks);
        RollbackRoute.routes(rollbacks, settings.coordinator().adminToken(), coordinator::leader)
                .forEach(coordinator::addRoute);
        return rollbacks;
    }

    /** A round of every set now (after a rollback: the restore is proven at once). */
    private void proveNow() {
        for (var e : settings.expectations()) {
            try {
                coordinator.rounds().runNow(e.name());
            } catch (RuntimeException x) {
                LOG.warn("cannot start a round of {} after a rollback: {}", e.name(), x.getMessage());
            }
        }
    }

    /**
     * Compares the sync groups' clusters continuously: {@code GET /v1/drift}, the drift gauge, and drift signals to the
     * webhook (when configured) and as Events in the drifted clusters. Cells are counted over the pods of clusters in
     * workload mode (the others count none).
     */
    private void startDrift(KubernetesSettings kubernetes) {
        List<Consumer<DriftSignal>> to = new ArrayList<>();
        sinks.stream().filter(WebhookSink.class::isInstance).map(WebhookSink.class::cast)
                .forEach(w -> to.add(DriftSinks.webhook(w)));
        DriftSinks.Events events = DriftSinks.events(clients.orElseThrow().byCluster(), kubernetes.instance());
        parts.started("drift Events", events);
        to.add(events);
        DriftMonitor monitor = new DriftMonitor(kubernetes.syncGroups(), kubernetes.policies(),
                cluster -> PodTopology.of(pods.byCluster().getOrDefault(cluster, List.of())),
                s -> to.forEach(sink -> sink.accept(s)), coordinator::leader, settings.clock(), DRIFT_REFRESH)
                .start(DRIFT_CHECK);
        parts.started("policy drift of " + kubernetes.syncGroups().size() + " sync group(s)", monitor);
        coordinator.addRoute(DriftRoute.route(monitor, settings.coordinator().adminToken()))
                .addListener(monitor.roundSection());
        telemetry.observePolicyDrift(monitor::driftedPolicies);
    }

    /**
     * Takes {@code part}, started by the command around the assembly (the lab's agent fleet), into the assembly:
     * it stops before every part started earlier, the assembly's own included.
     */
    public CoordinatorAssembly own(String name, AutoCloseable part) {
        parts.started(name, part);
        return this;
    }

    /** Starts the round schedule now (when the settings did not: the lab, once its agents registered). */
    public void startRounds() {
        coordinator.startRounds();
    }

    public Coordinator coordinator() {
        return coordinator;
    }

    /** {@code http://host:port} of the API. */
    public URI url() {
        return coordinator.url();
    }

    /** The proof record's store (buffered), when one is configured. */
    public Optional<io.reachproof.coordinator.store.BufferedStore> store() {
        return record.map(RecordWiring::store);
    }

    public Telemetry telemetry() {
        return telemetry;
    }

    /** The rollback sinks: the webhook's, then each watched cluster's Event sink. */
    public List<RollbackSink> sinks() {
        return sinks;
    }

    /** The leader election, when configured. */
    public Optional<LeaderElection> leaderElection() {
        return election;
    }

    /** The API server of a watched cluster. */
    public URL apiServerOf(String cluster) {
        KubernetesClient client = clients.map(c -> c.of(cluster)).orElse(null);
        if (client == null) {
            throw new IllegalArgumentException("cluster " + cluster + " is not watched");
        }
        return client.getMasterUrl();
    }

    /** Waits, at most {@code timeout}, until the webhook delivered the signals it was sent. */
    public boolean drainSignals(Duration timeout) throws InterruptedException {
        return rollback.drain(timeout);
    }

    /** The parts running now, in the order they started. */
    public List<String> parts() {
        return parts.running();
    }

    /** The parts stopped so far, in the order they stopped. */
    public List<String> closed() {
        return parts.closed();
    }

    /** Closes the assembly when the JVM shuts down (SIGTERM, Ctrl-C): the one shutdown hook of a command. */
    public synchronized CoordinatorAssembly closeOnShutdown() {
        if (shutdownHook == null) {
            shutdownHook = new DefaultThreadFactory("reachproof-shutdown", true).newThread(this::stop);
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        return this;
    }

    /** Waits until the assembly is closed (by the shutdown hook or another thread). */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** Waits at most {@code timeout} until the assembly is closed; false when it still runs. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops every part, the last started first; closing again does nothing. */
    @Override
    public void close() {
        Thread hook;
        synchronized (this) {
            hook = shutdownHook;
            shutdownHook = null;
        }
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook closes the assembly too, which is harmless
            }
        }
        stop();
    }

    private void stop() {
        parts.close();
        closed.countDown();
    }
}
