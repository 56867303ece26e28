package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.policy.ClusterPolicies;
import io.reachproof.policy.EgressAddresses;
import io.reachproof.policy.FromPoliciesResolver;
import io.reachproof.policy.Located;
import io.reachproof.policy.PolicyInput;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NetworkPolicies in force for {@code spec.fromPolicies}, per cluster: for each watched cluster
 * ({@code --kubernetes CLUSTER}) the policies its API server holds now, as the Kubernetes watch reports them;
 * for every other cluster the policy files read at start (when any). Every change bumps a
 * {@linkplain Snapshot#generation() generation}, so {@link DerivedCells} compiles again at the next round, not
 * on every event. Safe from any thread: the watch writes, rounds read.
 *
 * <p>A live policy the engine rejects ({@code endPort} below {@code port}, a bad CIDR, ...) is logged once
 * per version as a WARN naming it, its cluster and every problem, and left out: the cluster's other policies
 * stay in force, and the cells it would select are derived as if it did not exist, until a valid version of
 * it arrives.
 */
public final class PoliciesInForce {

    private static final Logger LOG = LoggerFactory.getLogger(PoliciesInForce.class);

    /** The policies in force at one moment, and that moment's generation (it changes with every change). */
    public record Snapshot(long generation, ClusterPolicies policies, Map<String, EgressAddresses> egress) {
        public Snapshot {
            requireNonNull(policies, "policies");
            egress = Map.copyOf(requireNonNull(egress, "egress"));
        }

        /** Every cluster's pods leave with their own IP. */
        public Snapshot(long generation, ClusterPolicies policies) {
            this(generation, policies, Map.of());
        }
    }

    /**
     * One live policy at one version: the policy as the engine reads it, null when it is invalid (left out), and
     * the object as the API server returned it.
     */
    private record Live(String resourceVersion, Located<NetworkPolicy> policy, NetworkPolicy object) {
    }

    private final Optional<PolicyInput> files;
    private final SortedSet<String> watched;
    private final Consumer<String> warn;
    private final Map<String, EgressAddresses> egress;
    private final Map<String, Map<String, Live>> listed = new HashMap<>();
    private long generation;
    private Snapshot snapshot;

    PoliciesInForce(Optional<PolicyInput> files, Collection<String> watched, Consumer<String> warn) {
        this(files, watched, warn, Map.of());
    }

    PoliciesInForce(Optional<PolicyInput> files, Collection<String> watched, Consumer<String> warn,
            Map<String, EgressAddresses> egress) {
        this.egress = Map.copyOf(requireNonNull(egress, "egress"));
        this.files = requireNonNull(files, "files");
        this.watched = Collections.unmodifiableSortedSet(new TreeSet<>(requireNonNull(watched, "watched")));
        this.warn = requireNonNull(warn, "warn");
    }

    /**
     * {@code files} (read at start, validated) for every cluster not in {@code watched}; each watched cluster's
     * policies come live from its watch ({@link #replace}, {@link #put}, {@link #remove}), and until its first
     * list it gets no derived cells.
     */
    public static PoliciesInForce of(Optional<PolicyInput> files, Collection<String> watched) {
        return new PoliciesInForce(files, watched, LOG::warn);
    }

    /**
     * As {@link #of(Optional, Collection)}, with the address(es) each cluster's pod traffic arrives from in other
     * clusters ({@code egress}; a cluster it does not name: {@link EgressAddresses#POD_IP}), for cells between clusters.
     */
    public static PoliciesInForce of(Optional<PolicyInput> files, Collection<String> watched, Map<String, EgressAddresses> egress) {
        return new PoliciesInForce(files, watched, LOG::warn, egress);
    }

    /** The same policy files in every cluster. */
    public static PoliciesInForce files(PolicyInput files) {
        return of(Optional.of(files), List.of());
    }

    /** Whether any cluster has policies: files, or a watched cluster. */
    public boolean configured() {
        return files.isPresent() || !watched.isEmpty();
    }

    /** The policies in force now. */
    public synchronized Snapshot snapshot() {
        if (snapshot == null) {
            Map<String, PolicyInput> live = new HashMap<>();
            listed.forEach((cluster, policies) -> live.put(cluster, new PolicyInput(
                    policies.values().stream().map(Live::policy).filter(Objects::nonNull).toList(),
                    List.of(), List.of(), List.of())));
            ClusterPolicies byCluster = ClusterPolicies.of(live, files);
            Set<String> unlisted = new HashSet<>(watched);
            unlisted.removeAll(live.keySet());
            snapshot = new Snapshot(generation, unlisted.isEmpty() ? byCluster
                    : cluster -> unlisted.contains(cluster) ? Optional.empty() : byCluster.in(cluster), egress);
        }
        return snapshot;
    }

    /**
     * The NetworkPolicy objects of watched {@code cluster} now, by {@code namespace/name} (invalid ones too, as
     * the API server holds them); empty until its watch listed them, or for a cluster that is not watched.
     */
    public synchronized Optional<Map<String, NetworkPolicy>> objects(String cluster) {
        Map<String, Live> live = listed.get(cluster);
        if (live == null) {
            return Optional.empty();
        }
        Map<String, NetworkPolicy> out = new TreeMap<>();
        live.forEach((key, l) -> out.put(key, l.object()));
        return Optional.of(Collections.unmodifiableMap(out));
    }

    /**
     * Every policy of watched {@code cluster} (its watch's list at start): those not in {@code policies} are
     * gone, the others are {@linkplain #put put}. Returns whether anything changed.
     */
    public synchronized boolean replace(String cluster, Collection<NetworkPolicy> policies) {
        boolean first = !listed.containsKey(cluster);
        Map<String, Live> current = listing(cluster);
        Set<String> keep = new HashSet<>();
        boolean changed = false;
        for (NetworkPolicy p : policies) {
            keep.add(key(p));
            changed |= put(cluster, p);
        }
        boolean gone = current.keySet().retainAll(keep);
        if (first || gone) {
            changed();
        }
        return changed || first || gone;
    }

    /**
     * A policy of watched {@code cluster} was added or modified. Returns false when this version is already in
     * force (a re-list or resync brings nothing new).
     */
    public synchronized boolean put(String cluster, NetworkPolicy policy) {
        Map<String, Live> current = listing(cluster);
        String key = key(policy);
        String version = policy.getMetadata() == null ? null : policy.getMetadata().getResourceVersion();
        Live known = current.get(key);
        if (known != null && version != null && version.equals(known.resourceVersion())) {
            return false;
        }
        List<String> problems = FromPoliciesResolver.validate(policy);
        if (problems.isEmpty()) {
            current.put(key, new Live(version, Located.inCode(policy, "cluster " + cluster), policy));
        } else {
            current.put(key, new Live(version, null, policy));
            warn.accept("NetworkPolicy " + key + " in cluster " + cluster + " is invalid and left out of the policies"
                    + " in force (cells it selects are derived as if it did not exist): " + String.join("; ", problems));
        }
        changed();
        return true;
    }

    /** A policy of watched {@code cluster} was deleted. Returns whether it was in force (or known invalid). */
    public synchronized boolean remove(String cluster, NetworkPolicy policy) {
        boolean removed = listing(cluster).remove(key(policy)) != null;
        if (removed) {
            changed();
        }
        return removed;
    }

    /**
     * Where the policies come from, for the startup line: {@code 3 live NetworkPolicies of cluster gcp-prod
     * (1 invalid left out)}, {@code 5 NetworkPolicies from files}, both joined with {@code and} (the files then
     * {@code for the other clusters}).
     */
    public synchronized String describe() {
        List<String> parts = new ArrayList<>();
        for (String cluster : watched) {
            Map<String, Live> live = listed.getOrDefault(cluster, Map.of());
            long invalid = live.values().stream().filter(l -> l.policy() == null).count();
            parts.add(count(live.size() - invalid, "live NetworkPolicy", "live NetworkPolicies") + " of cluster " + cluster
                    + (invalid == 0 ? "" : " (" + invalid + " invalid left out)"));
        }
        files.ifPresent(f -> parts.add(count(f.policies().size(), "NetworkPolicy", "NetworkPolicies") + " from files"
                + (watched.isEmpty() ? "" : " for the other clusters")));
        return parts.isEmpty() ? "no NetworkPolicies" : String.join(" and ", parts);
    }

    private static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** The live policies of watched {@code cluster} by {@code ns/name}; from now on it counts as listed. */
    private Map<String, Live> listing(String cluster) {
        if (!watched.contains(cluster)) {
            throw new IllegalArgumentException("cluster " + cluster + " is not watched (watched: "
                    + String.join(", ", watched) + ")");
        }
        return listed.computeIfAbsent(cluster, c -> new TreeMap<>());
    }

    /** {@code namespace/name} of {@code policy} (namespace {@code default} when it has none). */
    public static String key(NetworkPolicy policy) {
        ObjectMeta meta = policy.getMetadata() == null ? new ObjectMeta() : policy.getMetadata();
        String ns = meta.getNamespace() == null || meta.getNamespace().isEmpty() ? "default" : meta.getNamespace();
        return ns + "/" + meta.getName();
    }

    private void changed() {
        generation++;
        snapshot = null;
    }
}
