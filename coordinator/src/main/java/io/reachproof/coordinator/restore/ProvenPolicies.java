package io.reachproof.coordinator.restore;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.coordinator.round.RoundListener;
import io.reachproof.policy.PolicyDrift;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.RoundReport;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last proven policies of each cluster: the newest NetworkPolicy set of a cluster under which a complete round
 * proved its expectations (every planned cell proven, none inconclusive, no mismatch) with cells in that cluster,
 * and the cluster's policies did not change while the round ran. Each distinct set is a {@link Version} (its id a
 * digest of what the policies say, so the same set proven again is the same version); the newest {@code keep} per
 * cluster are kept, newest first. Fed by the round listener chain (the leader's rounds) and the NetworkPolicy
 * watches' changes. Thread-safe.
 */
public final class ProvenPolicies implements RoundListener {

    private static final Logger LOG = LoggerFactory.getLogger(ProvenPolicies.class);

    /**
     * One proven policy set of a cluster.
     *
     * @param id digest of the set's content ({@code namespace/name} and {@link PolicyDrift#contentHash} of each)
     * @param provenAtEpochMillis when the newest round that proved it finished
     * @param policies the objects by {@code namespace/name}, as the API server returned them
     */
    public record Version(String id, String cluster, long provenAtEpochMillis, String roundId, String expectation,
            Map<String, NetworkPolicy> policies) {
        public Version {
            requireNonNull(id, "id");
            requireNonNull(cluster, "cluster");
            requireNonNull(roundId, "roundId");
            requireNonNull(expectation, "expectation");
            policies = Map.copyOf(policies);
        }
    }

    private final Function<String, Optional<Map<String, NetworkPolicy>>> live;
    private final Set<String> clusters;
    private final int keep;
    private final RestoreMemory memory;
    private final Map<String, Long> lastChange = new HashMap<>();
    private final Map<String, Deque<Version>> versions = new HashMap<>();

    /**
     * @param live the policy objects of a cluster now (empty until its watch listed them)
     * @param clusters the clusters whose proven sets are kept
     * @param keep how many distinct proven sets are kept per cluster
     */
    public ProvenPolicies(Function<String, Optional<Map<String, NetworkPolicy>>> live, Set<String> clusters, int keep) {
        this(live, clusters, keep, RestoreMemory.NONE);
    }

    /**
     * @param memory where proven sets outlive this leader: each proof is written there, and what other leaders proved
     *     before is read from there
     */
    public ProvenPolicies(Function<String, Optional<Map<String, NetworkPolicy>>> live, Set<String> clusters, int keep,
            RestoreMemory memory) {
        this.memory = requireNonNull(memory, "memory");
        this.live = requireNonNull(live, "live");
        this.clusters = Set.copyOf(clusters);
        if (keep < 1) {
            throw new IllegalArgumentException("keep at least one proven set, not " + keep);
        }
        this.keep = keep;
    }

    /** A NetworkPolicy changed: a round that was running then proves nothing about the cluster's policies. */
    public synchronized void changed(PolicyChange change) {
        lastChange.merge(change.cluster(), change.atEpochMillis(), Math::max);
    }

    @Override
    public RoundReport onRound(RoundReport report) {
        if (!report.complete() || report.cells().isEmpty() || report.coverage() < 1.0 || !report.mismatches().isEmpty()) {
            return report;
        }
        Set<String> in = new TreeSet<>();
        for (CellResult c : report.cells()) {
            add(in, c.from());
            add(in, c.to());
        }
        in.retainAll(clusters);
        for (String cluster : in) {
            prove(cluster, report);
        }
        return report;
    }

    private static void add(Set<String> clusters, EndpointRef end) {
        if (end != null && end.cluster() != null && !EndpointRef.NO_AGENT.equals(end.agentId())) {
            clusters.add(end.cluster());
        }
    }

    private void prove(String cluster, RoundReport report) {
        Version v;
        synchronized (this) {
            if (lastChange.getOrDefault(cluster, Long.MIN_VALUE) >= report.startedAtEpochMillis()) {
                LOG.debug("round {} ran while the policies of {} changed: it proves no set of them", report.roundId(), cluster);
                return;
            }
            Optional<Map<String, NetworkPolicy>> listed = live.apply(cluster);
            if (listed.isEmpty()) {
                return;
            }
            Map<String, NetworkPolicy> now = listed.get();
            v = new Version(id(now), cluster, report.finishedAtEpochMillis(), report.roundId(), report.expectation(), now);
            Deque<Version> kept = versions.computeIfAbsent(cluster, c -> new ArrayDeque<>());
            boolean known = kept.removeIf(k -> k.id().equals(v.id()));
            kept.addFirst(v);
            while (kept.size() > keep) {
                kept.removeLast();
            }
            if (!known) {
                LOG.info("policies of cluster {} proven: version {} ({} NetworkPolicies) by round {} of {}", cluster, v.id(),
                        now.size(), report.roundId(), report.expectation());
            }
        }
        try {
            memory.proven(v);
        } catch (RuntimeException e) {
            LOG.warn("cannot record proven version {} of cluster {}: {}", v.id(), cluster, e.toString());
        }
    }

    /**
     * The proven sets of {@code cluster}, newest proof first: this leader's and those remembered from earlier leaders,
     * one per id (its newest proof), the newest {@code keep}.
     */
    private List<Version> versionsOf(String cluster) {
        List<Version> stored;
        try {
            stored = memory.provenSets(cluster, keep);
        } catch (RuntimeException e) {
            LOG.warn("cannot read the remembered proven sets of cluster {}: {}", cluster, e.toString());
            stored = List.of();
        }
        Map<String, Version> byId = new HashMap<>();
        List<Version> mine;
        synchronized (this) {
            mine = new ArrayList<>(versions.getOrDefault(cluster, new ArrayDeque<>()));
        }
        for (Version v : stored) {
            byId.merge(v.id(), v, (a, b) -> a.provenAtEpochMillis() >= b.provenAtEpochMillis() ? a : b);
        }
        for (Version v : mine) {
            byId.merge(v.id(), v, (a, b) -> a.provenAtEpochMillis() >= b.provenAtEpochMillis() ? a : b);
        }
        return byId.values().stream()
                .sorted(Comparator.comparingLong(Version::provenAtEpochMillis).reversed().thenComparing(Version::id))
                .limit(keep).toList();
    }

    /** The newest proven set of {@code cluster}. */
    public Optional<Version> lastProven(String cluster) {
        return versionsOf(cluster).stream().findFirst();
    }

    /** The proven set {@code id} of {@code cluster}, if it is still kept. */
    public Optional<Version> version(String cluster, String id) {
        return versionsOf(cluster).stream().filter(v -> v.id().equals(id)).findFirst();
    }

    /** The proven sets of every cluster, newest first per cluster. */
    public Map<String, List<Version>> all() {
        Map<String, List<Version>> out = new TreeMap<>();
        for (String cluster : new TreeSet<>(clusters)) {
            List<Version> kept = versionsOf(cluster);
            if (!kept.isEmpty()) {
                out.put(cluster, kept);
            }
        }
        return out;
    }

    /** The id of a policy set: 12 hex digits of a SHA-256 over each policy's key and content digest, in key order. */
    public static String id(Map<String, NetworkPolicy> policies) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(policies).forEach((key, p) -> text.append(key).append('=').append(PolicyDrift.contentHash(p)).append('\n'));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return "pv-" + HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
