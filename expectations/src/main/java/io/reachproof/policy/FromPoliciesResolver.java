package io.reachproof.policy;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.expectations.ClusterScope;
import io.reachproof.expectations.ConnectivityExpectation;
import io.reachproof.expectations.Endpoint;
import io.reachproof.expectations.ExpectationResolver;
import io.reachproof.expectations.FromPolicies;
import io.reachproof.expectations.GroupCell;
import io.reachproof.expectations.PortSpec;
import io.reachproof.protocol.Protocol;
import io.reachproof.yaml.SourceRef;
import io.reachproof.protocol.Verdict;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code spec.fromPolicies}: the expected verdicts the NetworkPolicies imply for the agents of a fleet, as
 * pure functions on top of the {@link PolicyEngine}.
 *
 * <p>Each agent ({@link Endpoint}) becomes a synthetic Pod for the engine: its namespace and labels, its
 * addresses as {@code status.podIP}/{@code podIPs} (addresses that are not IPs are left out), and its
 * responders as unnamed container ports (an HTTP responder is a TCP port), so named ports in policies match
 * nothing on agents. A namespace's labels are those of its first member agent by id (plus the implicit
 * {@code kubernetes.io/metadata.name}). NetworkPolicies are per cluster: each cluster's policies
 * ({@link ClusterPolicies#in}: the same files everywhere, or what one cluster's API server holds now) are
 * compiled once over that cluster's agents, and a cluster whose policies are not known gets no derived cells
 * (nor do pairs involving it). A pair of agents of two clusters gets the verdict of {@link CrossCluster}: the
 * source cluster's egress rules on the destination's address and the destination cluster's ingress rules on
 * the address(es) the source cluster's traffic arrives from ({@link EgressAddresses}, per cluster; the pod's
 * IP by default).
 *
 * <p>Cells: for every ordered pair of covered pod groups (those {@code fromPolicies.groups} names, or every
 * pod group), every ordered pair of distinct member agents (in one cluster or two), and every port the destination
 * answers on (restricted to {@code fromPolicies.ports} when given: same number and protocol; an HTTP port
 * then probes with the check written there), the engine's verdict, with the rule reference at the
 * {@code fromPolicies} key. A cell that an {@code expect} rule names (same groups, port and protocol) is
 * not derived for the cluster pairs the rule is for ({@code clusters: same|other|any}): the rule wins there. Compile once per change of the policies or the agent set; then
 * {@link #decide} is a few bit tests per cell.
 */
public final class FromPoliciesResolver {

    /**
     * A group pair and port whose verdict the policies decide per agent pair; {@code rule} is where
     * {@code fromPolicies} is written; {@code clusters} the cluster pairs it is derived for (those an {@code expect}
     * rule with {@code clusters: same|other} leaves to the policies).
     */
    public record DerivedGroupCell(String from, String to, PortSpec port, SourceRef rule, ClusterScope clusters) {

        public DerivedGroupCell {
            requireNonNull(from, "from");
            requireNonNull(to, "to");
            requireNonNull(port, "port");
            requireNonNull(rule, "rule");
            requireNonNull(clusters, "clusters");
        }

        /** Derived for every cluster pair. */
        public DerivedGroupCell(String from, String to, PortSpec port, SourceRef rule) {
            this(from, to, port, rule, ClusterScope.ANY);
        }

        /** The group cell of one agent pair, with that pair's verdict. */
        public GroupCell withVerdict(Verdict verdict) {
            return new GroupCell(from, to, port, verdict, rule, clusters);
        }
    }

    /**
     * Which policy decided a cell: for an allowed cell the rule that allowed it on the isolated side (the
     * destination's ingress first), for a denied one the first policy isolating the denying side; empty
     * {@code policy} and null {@code at} when no policy isolates either side. {@code explanation}: the
     * engine's explanation ({@link Explanation#lines()} for people).
     */
    public record PolicyDecision(Verdict verdict, String policy, SourceRef at, Explanation explanation, String side) {

        public PolicyDecision {
            requireNonNull(verdict, "verdict");
            requireNonNull(policy, "policy");
            requireNonNull(explanation, "explanation");
            requireNonNull(side, "side");
        }

        /** A cell of two pods of one cluster. */
        public PolicyDecision(Verdict verdict, String policy, SourceRef at, Explanation explanation) {
            this(verdict, policy, at, explanation, "");
        }

        /**
         * Which policy decided the explained cell; {@code egressTable} and {@code ingressTable} hold the source's
         * and the destination's policies (the same table for two pods of one cluster). For a cell between
         * clusters, {@code side} says whose policy it is ({@code egress of cluster A}, {@code ingress of cluster B}).
         */
        public static PolicyDecision of(Explanation e, TruthTable egressTable, TruthTable ingressTable) {
            Explanation.Side deciding;
            if (e.verdict() == Verdict.DENY) {
                deciding = e.ingress().allows() ? e.egress() : e.ingress();
                String policy = deciding.isolatingPolicies().get(0);
                TruthTable table = deciding == e.egress() ? egressTable : ingressTable;
                return new PolicyDecision(e.verdict(), policy, table.policyAt(policy).orElse(null), e, side(e, deciding));
            }
            deciding = e.ingress().isolated() ? e.ingress() : e.egress();
            if (!deciding.isolated()) {
                return new PolicyDecision(e.verdict(), "", null, e, "");
            }
            Explanation.RuleRef rule = deciding.allowingRules().get(0);
            return new PolicyDecision(e.verdict(), rule.policy(), rule.at(), e, side(e, deciding));
        }

        private static String side(Explanation e, Explanation.Side deciding) {
            if (e.crossing() == null) {
                return "";
            }
            return deciding == e.egress() ? "egress of cluster " + e.crossing().fromCluster()
                    : "ingress of cluster " + e.crossing().toCluster();
        }

        /**
         * {@code NetworkPolicy ns/name (file:line)} ({@code (cluster NAME)} for a policy listed from a cluster,
         * {@link Positions#place}), or {@code no NetworkPolicy isolates either side}.
         */
        public String decidedBy() {
            return policy.isEmpty() ? "no NetworkPolicy isolates either side"
                    : (side.isEmpty() ? "" : side + ": ") + "NetworkPolicy " + policy
                            + (at == null ? "" : " (" + Positions.place(at) + ")");
        }
    }

    private record Slot(String cluster, TruthTable table, int index) {
    }

    private record PortKey(String from, String to, int port, Protocol protocol) {
    }

    private final Map<String, Slot> slots = new HashMap<>();
    private final List<DerivedGroupCell> groupCells = new ArrayList<>();
    private final Map<String, EgressAddresses> egress;

    private FromPoliciesResolver(ConnectivityExpectation expectation, ClusterPolicies policies,
            Map<String, EgressAddresses> egress, Collection<Endpoint> endpoints) {
        this.egress = Map.copyOf(egress);
        FromPolicies from = expectation.policies().orElseThrow(() -> new IllegalArgumentException(
                "expectation " + expectation.name() + " has no fromPolicies"));
        List<String> covered = from.groups().isEmpty() ? expectation.podGroupNames() : from.groups();
        Map<String, List<Endpoint>> members = ExpectationResolver.membership(expectation, endpoints);
        Map<PortKey, Set<ClusterScope>> claimed = new HashMap<>();
        for (GroupCell c : ExpectationResolver.groupCells(expectation)) {
            claimed.computeIfAbsent(new PortKey(c.from(), c.to(), c.port().port(), c.port().protocol()),
                    k -> new HashSet<>()).add(c.clusters());
        }
        for (String f : covered) {
            for (String t : covered) {
                for (PortSpec p : ports(members.get(t), from.ports())) {
                    Set<ClusterScope> by = claimed.getOrDefault(new PortKey(f, t, p.port(), p.protocol()), Set.of());
                    boolean same = by.contains(ClusterScope.ANY) || by.contains(ClusterScope.SAME);
                    boolean other = by.contains(ClusterScope.ANY) || by.contains(ClusterScope.OTHER);
                    if (!same || !other) {
                        groupCells.add(new DerivedGroupCell(f, t, p, from.source(),
                                same ? ClusterScope.OTHER : other ? ClusterScope.SAME : ClusterScope.ANY));
                    }
                }
            }
        }
        Map<String, Endpoint> involved = new TreeMap<>();
        for (String g : covered) {
            members.get(g).forEach(e -> involved.put(e.id(), e));
        }
        Map<String, List<Endpoint>> byCluster = new TreeMap<>();
        involved.values().forEach(e -> byCluster.computeIfAbsent(e.cluster(), c -> new ArrayList<>()).add(e));
        byCluster.forEach((cluster, agents) -> policies.in(cluster).ifPresent(p -> compileCluster(cluster, agents, p)));
    }

    /**
     * Compiles the same {@code policies} for the agents ({@code endpoints}) of every cluster. Throws
     * {@link IllegalArgumentException} with every error when the policies are invalid (check them once
     * with {@link #validate} first).
     */
    public static FromPoliciesResolver compile(ConnectivityExpectation expectation, PolicyInput policies,
            Collection<Endpoint> endpoints) {
        return compile(expectation, ClusterPolicies.everywhere(requireNonNull(policies, "policies")), endpoints);
    }

    /**
     * Compiles each cluster's {@code policies} for that cluster's agents ({@code endpoints}); the agents of a
     * cluster without known policies get no derived cells. Throws {@link IllegalArgumentException} with every
     * error when a cluster's policies are invalid (check them with {@link #validate} first).
     */
    public static FromPoliciesResolver compile(ConnectivityExpectation expectation, ClusterPolicies policies,
            Collection<Endpoint> endpoints) {
        return compile(expectation, policies, Map.of(), endpoints);
    }

    /**
     * As {@link #compile(ConnectivityExpectation, ClusterPolicies, Collection)}, with the addresses each cluster's
     * traffic to other clusters arrives from ({@code egress}; a cluster it does not name: {@link EgressAddresses#POD_IP}).
     */
    public static FromPoliciesResolver compile(ConnectivityExpectation expectation, ClusterPolicies policies,
            Map<String, EgressAddresses> egress, Collection<Endpoint> endpoints) {
        requireNonNull(expectation, "expectation");
        requireNonNull(policies, "policies");
        requireNonNull(egress, "egress");
        requireNonNull(endpoints, "endpoints");
        return new FromPoliciesResolver(expectation, policies, egress, endpoints);
    }

    /** Every error of the NetworkPolicies of {@code input} (its Pods and Namespaces are ignored); empty when valid. */
    public static List<String> validate(PolicyInput input) {
        return PolicyEngine.compile(new PolicyInput(input.policies(), List.of(), List.of(), List.of())).errors();
    }

    /**
     * Every error of one NetworkPolicy that was not read from a file (listed from a cluster's API server), as
     * {@code FIELD: message} (no position, no policy name: the caller names the policy); empty when valid.
     */
    public static List<String> validate(NetworkPolicy policy) {
        Located<NetworkPolicy> located = Located.inCode(requireNonNull(policy, "policy"), "");
        String prefix = located.positions().root() + ": " + PolicyCompiler.label(policy) + ": ";
        return validate(new PolicyInput(List.of(located), List.of(), List.of(), List.of())).stream()
                .map(e -> e.startsWith(prefix) ? e.substring(prefix.length()) : e)
                .toList();
    }

    /** The group pairs and ports whose verdicts the policies decide, in group order. */
    public List<DerivedGroupCell> groupCells() {
        return List.copyOf(groupCells);
    }

    /**
     * The verdict the policies imply for {@code from -> to} on {@code port}; empty when the pair gets no
     * derived cell: the same agent, an agent not covered or of a cluster whose policies are unknown, or a port
     * the destination does not answer on (same number and protocol). Agents of two clusters: {@link CrossCluster}.
     */
    public Optional<Verdict> decide(Endpoint from, Endpoint to, PortSpec port) {
        OptionalInt k = cellPort(from, to, port);
        if (k.isEmpty()) {
            return Optional.empty();
        }
        Slot f = slots.get(from.id());
        Slot t = slots.get(to.id());
        if (f.table() != t.table()) {
            return Optional.of(CrossCluster.verdict(f.table(), f.index(), egress.getOrDefault(f.cluster(), EgressAddresses.POD_IP),
                    t.table(), t.index(), t.table().ports(t.index()).get(k.getAsInt())));
        }
        return Optional.of(f.table().verdict(f.index(), t.index(), k.getAsInt()));
    }

    private Explanation crossCluster(Slot f, Slot t, int portIndex) {
        return CrossCluster.explain(f.cluster(), f.table(), f.index(), egress.getOrDefault(f.cluster(), EgressAddresses.POD_IP),
                t.cluster(), t.table(), t.index(), t.table().ports(t.index()).get(portIndex));
    }

    /** The verdict of {@code from -> to} on {@code port} and the policy that decided it; empty as in {@link #decide}. */
    public Optional<PolicyDecision> explain(Endpoint from, Endpoint to, PortSpec port) {
        OptionalInt k = cellPort(from, to, port);
        if (k.isEmpty()) {
            return Optional.empty();
        }
        Slot f = slots.get(from.id());
        Slot t = slots.get(to.id());
        Explanation e = f.table() != t.table() ? crossCluster(f, t, k.getAsInt())
                : f.table().explain(f.index(), t.index(), port.port(), port.protocol().transport());
        return Optional.of(PolicyDecision.of(e, f.table(), t.table()));
    }

    /** The index of {@code port} among the destination's table ports, when the pair gets a derived cell. */
    private OptionalInt cellPort(Endpoint from, Endpoint to, PortSpec port) {
        Slot f = slots.get(from.id());
        Slot t = slots.get(to.id());
        if (f == null || t == null || (f.table() == t.table() && f.index() == t.index()) || !answers(to, port)) {
            return OptionalInt.empty();
        }
        int k = t.table().portIndex(t.index(), port.port(), port.protocol().transport());
        return k < 0 ? OptionalInt.empty() : OptionalInt.of(k);
    }

    private static boolean answers(Endpoint e, PortSpec port) {
        for (PortSpec p : e.ports()) {
            if (p.port() == port.port() && p.protocol() == port.protocol()) {
                return true;
            }
        }
        return false;
    }

    /** The ports of the destinations (restricted to {@code only} when given), deduplicated by number and protocol. */
    private static List<PortSpec> ports(List<Endpoint> destinations, List<PortSpec> only) {
        Map<String, PortSpec> out = new LinkedHashMap<>();
        if (!only.isEmpty()) {
            for (PortSpec p : only) {
                if (destinations.stream().anyMatch(d -> answers(d, p))) {
                    out.putIfAbsent(p.port() + "/" + p.protocol(), p);
                }
            }
            return List.copyOf(out.values());
        }
        for (Endpoint d : destinations) {
            for (PortSpec p : d.ports()) {
                out.putIfAbsent(p.port() + "/" + p.protocol(), p);
            }
        }
        return List.copyOf(out.values());
    }

    private void compileCluster(String cluster, List<Endpoint> agents, PolicyInput policies) {
        Map<String, Namespace> namespaces = new TreeMap<>();
        List<Pod> pods = new ArrayList<>();
        Map<String, String> podIds = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        List<Endpoint> sorted = new ArrayList<>(agents);
        sorted.sort(Comparator.comparing(Endpoint::id));
        for (Endpoint e : sorted) {
            String ns = e.namespace().isEmpty() ? "default" : e.namespace();
            namespaces.computeIfAbsent(ns, n -> new NamespaceBuilder().withNewMetadata().withName(n)
                    .withLabels(e.namespaceLabels()).endMetadata().build());
            String name = e.pod().isEmpty() ? e.id() : e.pod();
            if (!taken.add(ns + "/" + name)) {
                name = e.id();
                for (int n = 2; !taken.add(ns + "/" + name); n++) {
                    name = e.id() + "-" + n;
                }
            }
            podIds.put(e.id(), ns + "/" + name);
            pods.add(pod(e, ns, name));
        }
        PolicyEngine.Result result = PolicyEngine.compile(new PolicyInput(policies.policies(),
                namespaces.values().stream().map(n -> Located.inCode(n, "cluster " + cluster)).toList(),
                pods.stream().map(p -> Located.inCode(p, "cluster " + cluster)).toList(), List.of()));
        if (result.table().isEmpty()) {
            throw new IllegalArgumentException("cannot compile the NetworkPolicies for cluster " + cluster + ": "
                    + String.join("; ", result.errors()));
        }
        TruthTable table = result.table().get();
        podIds.forEach((id, pod) -> slots.put(id, new Slot(cluster, table, table.indexOf(pod).orElseThrow())));
    }

    private static Pod pod(Endpoint e, String namespace, String name) {
        Set<String> ips = new LinkedHashSet<>();
        for (String a : e.addresses()) {
            if (Cidr.parseAddress(a) != null) {
                ips.add(a);
            }
        }
        List<ContainerPort> ports = new ArrayList<>();
        for (PortSpec p : e.ports()) {
            ports.add(new ContainerPortBuilder().withContainerPort(p.port()).withProtocol(p.protocol().transport().name()).build());
        }
        return new PodBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).withLabels(e.podLabels()).endMetadata()
                .withNewSpec().withContainers(new ContainerBuilder().withName("agent").withPorts(ports).build()).endSpec()
                .withNewStatus().withPodIP(ips.isEmpty() ? null : ips.iterator().next())
                .withPodIPs(ips.stream().map(PodIP::new).toList()).endStatus()
                .build();
    }
}
