package io.reachproof.coordinator.restore;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.reachproof.coordinator.rollback.RollbackSink;
import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.policy.PolicyDrift;
import io.reachproof.protocol.PolicyChange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rollback as an action: when a confirmed mismatch (a firing rollback signal) has a NetworkPolicy change as its
 * suspect, in a cluster whose rollback mode is not {@code off} and a namespace its scope covers, restores that
 * cluster's last proven policies there ({@link RestorePlan}): {@code apply} writes them ({@link PolicyWriter}) and runs a
 * round at once to prove the restore, {@code dry-run} reports the exact objects and writes nothing. Every rollback is a
 * {@link RollbackRecord}, handed to {@code notify} (webhook, Events) and kept (the newest {@value #KEEP}).
 *
 * <p>It never fights a GitOps controller: a change whose content comes back after it was rolled back once is not
 * rolled back again, and the record says so. Each suspect change is acted on once, whatever the number of signals
 * naming it. {@link #manual} does the same by hand ({@code reachproof rollback}), in any cluster with a scope.
 * Signals are handled on a thread of its own, in order.
 */
public final class Rollbacks implements RollbackSink {

    static final int KEEP = 200;
    private static final Logger LOG = LoggerFactory.getLogger(Rollbacks.class);

    private final Map<String, RollbackScope> scopes;
    private final ProvenPolicies proven;
    private final Function<String, Optional<Map<String, NetworkPolicy>>> live;
    private final PolicyWriter writer;
    private final Consumer<RollbackRecord> notify;
    private final Runnable proveNow;
    private final Clock clock;
    private final RestoreMemory memory;
    private final ExecutorService executor =
            Executors.newSingleThreadExecutor(new DefaultThreadFactory("reachproof-rollback", true));
    private final Set<String> handledSuspects = new HashSet<>();
    private final Set<String> rolledBackContent = new HashSet<>();
    private final Deque<RollbackRecord> records = new ArrayDeque<>();

    /**
     * @param scopes per cluster, where and how rollback acts
     * @param live the policy objects of a cluster now
     * @param proveNow runs a round of every expectation set at once
     */
    public Rollbacks(Map<String, RollbackScope> scopes, ProvenPolicies proven,
            Function<String, Optional<Map<String, NetworkPolicy>>> live, PolicyWriter writer,
            Consumer<RollbackRecord> notify, Runnable proveNow, Clock clock) {
        this(scopes, proven, live, writer, notify, proveNow, clock, RestoreMemory.NONE);
    }

    /**
     * @param memory where rollbacks, and the contents rolled back, outlive this leader (the not-again rule holds across
     *     leaders)
     */
    public Rollbacks(Map<String, RollbackScope> scopes, ProvenPolicies proven,
            Function<String, Optional<Map<String, NetworkPolicy>>> live, PolicyWriter writer,
            Consumer<RollbackRecord> notify, Runnable proveNow, Clock clock, RestoreMemory memory) {
        this.memory = requireNonNull(memory, "memory");
        this.scopes = Map.copyOf(scopes);
        this.proven = requireNonNull(proven, "proven");
        this.live = requireNonNull(live, "live");
        this.writer = requireNonNull(writer, "writer");
        this.notify = requireNonNull(notify, "notify");
        this.proveNow = requireNonNull(proveNow, "proveNow");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public void send(RollbackSignal signal) {
        PolicyChange suspect = signal.suspectChange();
        if (!signal.firing() || suspect == null) {
            return;
        }
        RollbackScope scope = scopes.get(suspect.cluster());
        if (scope == null || scope.mode() == RollbackMode.OFF) {
            return;
        }
        if (!scope.covers(suspect.namespace())) {
            LOG.info("{} is the suspect of {}, but rollback in {} writes only in namespaces {}: not rolled back", suspect,
                    signal.idempotencyKey(), suspect.cluster(), scope.namespaces());
            return;
        }
        synchronized (this) {
            if (!handledSuspects.add(suspect.cluster() + "/" + suspect.namespace() + "/" + suspect.name() + "@"
                    + suspect.resourceVersion() + "/" + suspect.action())) {
                return;
            }
        }
        try {
            executor.execute(() -> automatic(signal, scope));
        } catch (RejectedExecutionException e) {
            LOG.warn("rollback stopped; {} not rolled back", suspect);
        }
    }

    private void automatic(RollbackSignal signal, RollbackScope scope) {
        try {
            PolicyChange suspect = signal.suspectChange();
            String trigger = "signal " + signal.idempotencyKey();
            Map<String, NetworkPolicy> now = live.apply(scope.cluster()).orElse(Map.of());
            NetworkPolicy changed = now.get(suspect.namespace() + "/" + suspect.name());
            String content = scope.cluster() + "/" + suspect.namespace() + "/" + suspect.name() + "="
                    + (changed == null ? "(deleted)" : PolicyDrift.contentHash(changed));
            boolean again;
            synchronized (this) {
                again = rolledBackContent.contains(content);
            }
            again = again || remembered(content);
            if (again) {
                done(record(scope, trigger, suspect, scope.mode(), RollbackRecord.Outcome.NOT_AGAIN,
                        suspect + " is back after it was rolled back once (a GitOps controller or a person applied it again):"
                        + " not rolled back again; fix it at its source", Optional.empty(), List.of()));
                return;
            }
            RollbackRecord r = act(scope, trigger, suspect, scope.mode() == RollbackMode.DRY_RUN, proven.lastProven(scope.cluster()));
            if (r.outcome() == RollbackRecord.Outcome.APPLIED) {
                synchronized (this) {
                    rolledBackContent.add(content);
                }
                try {
                    memory.contentRolledBack(content);
                } catch (RuntimeException e) {
                    LOG.warn("cannot record that {} was rolled back: {}", content, e.toString());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("rollback of {} failed", signal.suspectChange(), e);
        }
    }

    /**
     * Restores {@code cluster}'s proven set {@code versionId} (empty: the last proven), or with {@code dryRun} says
     * what it would write.
     *
     * @throws IllegalArgumentException when {@code cluster} has no rollback scope (no sync group names it with
     *     rollback) or {@code versionId} is not a kept proven set of it
     */
    public RollbackRecord manual(String cluster, Optional<String> versionId, boolean dryRun) {
        RollbackScope scope = scopes.get(cluster);
        if (scope == null) {
            throw new IllegalArgumentException("cluster " + cluster + " has no rollback: give it one in a sync group"
                    + " (syncGroups[].rollback) so it is known which namespaces may be written"
                    + (scopes.isEmpty() ? "" : "; clusters with one: " + String.join(", ", new TreeSet<>(scopes.keySet()))));
        }
        Optional<ProvenPolicies.Version> target = versionId.isEmpty() ? proven.lastProven(cluster)
                : proven.version(cluster, versionId.get());
        if (versionId.isPresent() && target.isEmpty()) {
            throw new IllegalArgumentException("cluster " + cluster + " has no proven policy version " + versionId.get()
                    + "; kept: " + String.join(", ", proven.all().getOrDefault(cluster, List.of()).stream()
                            .map(ProvenPolicies.Version::id).toList()));
        }
        return act(scope, "manual", null, dryRun, target);
    }

    private synchronized RollbackRecord act(RollbackScope scope, String trigger, PolicyChange suspect, boolean dryRun,
            Optional<ProvenPolicies.Version> target) {
        RollbackMode mode = dryRun ? RollbackMode.DRY_RUN : RollbackMode.APPLY;
        if (target.isEmpty()) {
            return done(record(scope, trigger, suspect, mode, RollbackRecord.Outcome.NOTHING_PROVEN, "no round has proven a"
                    + " policy set of cluster " + scope.cluster() + " yet: nothing to restore to", target, List.of()));
        }
        RestorePlan plan = RestorePlan.between(target.get(), live.apply(scope.cluster()).orElse(Map.of()), scope::covers);
        if (plan.empty()) {
            return done(record(scope, trigger, suspect, mode, RollbackRecord.Outcome.NOTHING_TO_DO, "the NetworkPolicies of "
                    + scope.namespaces() + " in " + scope.cluster() + " already are proven version " + plan.versionId(),
                    target, List.of()));
        }
        if (dryRun) {
            return done(record(scope, trigger, suspect, mode, RollbackRecord.Outcome.DRY_RUN, "would restore proven version "
                    + plan.versionId() + " in " + scope.cluster() + ": " + describe(plan.actions()), target, plan.actions()));
        }
        List<RestorePlan.Action> written = new ArrayList<>();
        for (RestorePlan.Action a : plan.actions()) {
            try {
                writer.write(scope.cluster(), a);
                written.add(a);
            } catch (RuntimeException e) {
                return done(record(scope, trigger, suspect, mode, RollbackRecord.Outcome.FAILED, e.getMessage()
                        + (written.isEmpty() ? "" : " (written before: " + describe(written) + ")"), target, written));
            }
        }
        RollbackRecord r = done(record(scope, trigger, suspect, mode, RollbackRecord.Outcome.APPLIED, "restored proven version "
                + plan.versionId() + " in " + scope.cluster() + ": " + describe(written), target, written));
        proveNow.run();
        return r;
    }

    private static String describe(List<RestorePlan.Action> actions) {
        return String.join(", ", actions.stream().map(RestorePlan.Action::toString).toList());
    }

    private RollbackRecord record(RollbackScope scope, String trigger, PolicyChange suspect, RollbackMode mode,
            RollbackRecord.Outcome outcome, String message, Optional<ProvenPolicies.Version> target,
            List<RestorePlan.Action> actions) {
        long at = clock.millis();
        return new RollbackRecord(id(scope.cluster(), trigger, at, outcome), at, scope.cluster(), scope.group(), trigger,
                suspect, mode, outcome, message, target.map(ProvenPolicies.Version::id).orElse(null),
                target.map(ProvenPolicies.Version::roundId).orElse(null), actions);
    }

    private synchronized RollbackRecord done(RollbackRecord r) {
        records.addFirst(r);
        while (records.size() > KEEP) {
            records.removeLast();
        }
        if (r.outcome() == RollbackRecord.Outcome.FAILED || r.outcome() == RollbackRecord.Outcome.NOT_AGAIN) {
            LOG.warn("rollback {} in {} ({}): {}", r.outcome().spelling(), r.cluster(), r.trigger(), r.message());
        } else {
            LOG.info("rollback {} in {} ({}): {}", r.outcome().spelling(), r.cluster(), r.trigger(), r.message());
        }
        try {
            memory.rolledBack(r);
        } catch (RuntimeException e) {
            LOG.warn("cannot record rollback {}: {}", r.id(), e.toString());
        }
        try {
            notify.accept(r);
        } catch (RuntimeException e) {
            LOG.warn("cannot report rollback {}", r.id(), e);
        }
        return r;
    }

    private static String id(String cluster, String trigger, long at, RollbackRecord.Outcome outcome) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((cluster + "\n" + trigger + "\n" + at + "\n" + outcome)
                    .getBytes(StandardCharsets.UTF_8));
            return "rb-" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** Whether another leader (or this one before a restart) rolled {@code content} back; unknown counts as no. */
    private boolean remembered(String content) {
        try {
            return memory.wasRolledBack(content);
        } catch (RuntimeException e) {
            LOG.warn("cannot read whether {} was rolled back before: {}", content, e.toString());
            return false;
        }
    }

    /** The newest rollbacks first: this leader's and those remembered from earlier ones, the newest {@value #KEEP}. */
    public List<RollbackRecord> records() {
        List<RollbackRecord> mine;
        synchronized (this) {
            mine = new ArrayList<>(records);
        }
        List<RollbackRecord> stored;
        try {
            stored = memory.rollbacks(KEEP);
        } catch (RuntimeException e) {
            LOG.warn("cannot read the remembered rollbacks: {}", e.toString());
            stored = List.of();
        }
        Map<String, RollbackRecord> byId = new LinkedHashMap<>();
        mine.forEach(r -> byId.put(r.id(), r));
        stored.forEach(r -> byId.putIfAbsent(r.id(), r));
        return byId.values().stream().sorted(Comparator.comparingLong(RollbackRecord::atEpochMillis).reversed())
                .limit(KEEP).toList();
    }

    /** Where rollback acts, by cluster. */
    public Map<String, RollbackScope> scopes() {
        return scopes;
    }

    public ProvenPolicies proven() {
        return proven;
    }

    /** Waits until the signals handed over so far are handled (tests). */
    void awaitIdle() throws Exception {
        executor.submit(() -> { }).get();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "rollback actions in " + new TreeSet<>(scopes.keySet());
    }
}
