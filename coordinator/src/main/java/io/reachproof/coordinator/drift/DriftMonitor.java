package io.reachproof.coordinator.drift;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.coordinator.round.RoundListener;
import io.reachproof.policy.PolicyDrift;
import io.reachproof.policy.PolicyInput;
import io.reachproof.protocol.DriftSection;
import io.reachproof.protocol.RoundReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares, continuously, the live NetworkPolicies of each sync group's clusters with each other (or with the
 * group's source of truth) through {@link PolicyDrift}: again whenever the policies in force change, and every
 * {@code refresh} for the pods' sake (cells are counted over each cluster's pods, known in workload mode; a cluster
 * whose pods are unknown counts no cells). A group waits until every one of its clusters has listed its policies.
 * Drift that appears or changes, and drift that ends, become {@link DriftSignal}s, sent only while this coordinator
 * leads (a new leader sends the drift it finds again, under the same keys).
 */
public final class DriftMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DriftMonitor.class);

    /** One group's latest comparison; {@code waitingFor} names clusters not listed yet (then the report is empty). */
    public record GroupDrift(String group, PolicyDrift.Report report, long computedAtEpochMillis, List<String> waitingFor,
            String source) {

        public GroupDrift {
            requireNonNull(group, "group");
            requireNonNull(report, "report");
            waitingFor = List.copyOf(waitingFor);
        }
    }

    private final List<SyncGroup> groups;
    private final PoliciesInForce policies;
    private final Function<String, PolicyInput> topology;
    private final Consumer<DriftSignal> signals;
    private final BooleanSupplier leading;
    private final Clock clock;
    private final Duration refresh;
    private ScheduledExecutorService timer;

    private final Map<String, GroupDrift> current = new LinkedHashMap<>();
    private final Map<String, Map<String, PolicyDrift.Entry>> signalled = new LinkedHashMap<>();
    private final Set<List<String>> series = new HashSet<>();
    private long generation = -1;
    private long computedAt;
    private boolean wasLeading;

    public DriftMonitor(List<SyncGroup> groups, PoliciesInForce policies, Function<String, PolicyInput> topology,
            Consumer<DriftSignal> signals, BooleanSupplier leading, Clock clock, Duration refresh) {
        this.groups = List.copyOf(groups);
        this.policies = requireNonNull(policies, "policies");
        this.topology = requireNonNull(topology, "topology");
        this.signals = requireNonNull(signals, "signals");
        this.leading = requireNonNull(leading, "leading");
        this.clock = requireNonNull(clock, "clock");
        this.refresh = requireNonNull(refresh, "refresh");
    }

    /** Checks every {@code every} on a thread of its own until closed. */
    public DriftMonitor start(Duration every) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reachproof-drift");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                check();
            } catch (RuntimeException e) {
                LOG.warn("policy drift comparison failed; trying again in {}", every, e);
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Compares again when the policies in force changed, {@code refresh} passed or this coordinator just became the
     * leader; while leading, sends what changed since the signals it sent (a new leader: all drift it finds).
     */
    public void check() {
        PoliciesInForce.Snapshot snapshot = policies.snapshot();
        long now = clock.millis();
        boolean lead = leading.getAsBoolean();
        List<DriftSignal> out = new ArrayList<>();
        synchronized (this) {
            boolean becameLeader = lead && !wasLeading;
            wasLeading = lead;
            if (!lead) {
                signalled.clear();
            }
            if (snapshot.generation() == generation && now - computedAt < refresh.toMillis() && !becameLeader) {
                return;
            }
            generation = snapshot.generation();
            computedAt = now;
            for (SyncGroup group : groups) {
                GroupDrift drift = compare(group, snapshot, now);
                current.put(group.name(), drift);
                if (lead && drift.waitingFor().isEmpty()) {
                    out.addAll(changes(group.name(), drift.report(), now));
                }
            }
        }
        for (DriftSignal s : out) {
            LOG.warn("policy drift: {} [{}]", s.describe(), s.idempotencyKey());
            signals.accept(s);
        }
    }

    private GroupDrift compare(SyncGroup group, PoliciesInForce.Snapshot snapshot, long now) {
        List<PolicyDrift.ClusterState> states = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (String cluster : group.clusters()) {
            Optional<PolicyInput> live = snapshot.policies().in(cluster);
            if (live.isEmpty()) {
                waiting.add(cluster);
                continue;
            }
            states.add(new PolicyDrift.ClusterState(cluster, live.get().policies(), topology.apply(cluster)));
        }
        PolicyDrift.Report report = waiting.isEmpty()
                ? PolicyDrift.compare(states, group.source(), group::covers)
                : new PolicyDrift.Report(List.of(), List.of());
        return new GroupDrift(group.name(), report, now, waiting, group.sourceLabel());
    }

    /** Drift new or changed since the last signals of {@code group}, and drift that ended. */
    private List<DriftSignal> changes(String group, PolicyDrift.Report report, long now) {
        Map<String, PolicyDrift.Entry> before = signalled.getOrDefault(group, Map.of());
        Map<String, PolicyDrift.Entry> after = new TreeMap<>();
        List<DriftSignal> out = new ArrayList<>();
        for (PolicyDrift.Entry e : report.drift()) {
            String id = e.namespace() + "/" + e.name();
            after.put(id, e);
            PolicyDrift.Entry was = before.get(id);
            if (was == null || !was.clusters().equals(e.clusters()) || !was.fields().equals(e.fields())) {
                out.add(DriftSignal.of(group, false, e, now));
            }
        }
        before.forEach((id, was) -> {
            if (!after.containsKey(id)) {
                out.add(DriftSignal.of(group, true, was, now));
            }
        });
        signalled.put(group, after);
        return out;
    }

    /** Every group's latest comparison, in configuration order. */
    public synchronized List<GroupDrift> current() {
        return List.copyOf(current.values());
    }

    /** Every group's latest comparison as the round report's drift section (no field-level diff). */
    public List<DriftSection> sections() {
        List<DriftSection> out = new ArrayList<>();
        for (GroupDrift g : current()) {
            List<DriftSection.Policy> drifted = new ArrayList<>();
            for (PolicyDrift.Entry e : g.report().drift()) {
                Map<String, String> states = new LinkedHashMap<>();
                e.clusters().forEach((cluster, state) -> states.put(cluster, state.spelling()));
                drifted.add(new DriftSection.Policy(e.namespace(), e.name(), states, e.cellsAffected()));
            }
            out.add(new DriftSection(g.group(), Instant.ofEpochMilli(g.computedAtEpochMillis()).toString(), g.waitingFor(),
                    drifted, g.report().clusterPairs().stream()
                            .map(p -> new DriftSection.ClusterPair(p.a(), p.b(), p.cellsDiffering())).toList()));
        }
        return out;
    }

    /** A round listener adding {@link #sections()} to every round's report. */
    public RoundListener roundSection() {
        return new RoundListener() {
            @Override
            public RoundReport onRound(RoundReport report) {
                return report.withDrift(sections());
            }

            @Override
            public String toString() {
                return "drift section";
            }
        };
    }

    /**
     * Drifted policies (missing, different or extra) per cluster and namespace, over every group: the
     * {@code reachproof_policy_drift} gauge. A cluster and namespace that drifted once
     * stays a series, at 0 when in sync again.
     */
    public synchronized Map<List<String>, Long> driftedPolicies() {
        Map<List<String>, Long> out = new TreeMap<>((a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
        for (GroupDrift g : current.values()) {
            for (PolicyDrift.Entry e : g.report().drift()) {
                e.clusters().forEach((cluster, state) -> out.merge(List.of(cluster, e.namespace()),
                        DriftSignal.drifted(state) ? 1L : 0L, Long::sum));
            }
        }
        series.addAll(out.keySet());
        series.forEach(s -> out.putIfAbsent(s, 0L));
        return out;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
