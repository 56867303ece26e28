package io.reachproof.coordinator.plan;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.registry.AgentState;
import io.reachproof.coordinator.registry.RegisteredAgent;
import io.reachproof.expectations.Endpoint;
import io.reachproof.expectations.Group;
import io.reachproof.expectations.GroupCell;
import io.reachproof.expectations.HttpCheck;
import io.reachproof.expectations.PortSpec;
import io.reachproof.policy.FromPoliciesResolver;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.PodListener;
import io.reachproof.protocol.PodRef;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Responder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Expectations x agents -> one round's probes. Pure.
 *
 * <p>Every group cell (group pair x port) is probed in every round in every cluster pair where both
 * groups have agents. Within a cluster pair with {@code s} source and {@code t} target agents, the
 * {@code s*t} agent pairs are put in a fixed order per cell (rendezvous order of sources and targets,
 * walked diagonally so consecutive pairs have distinct sources and targets); round {@code r} probes the
 * window of {@code pairsPerClusterPair} pairs starting at {@code r * pairsPerClusterPair}. So every
 * agent pair is probed within {@code ceil(s*t / pairsPerClusterPair)} rounds while the fleet is stable,
 * whatever the fleet size, and an agent sends at most {@code probeBudgetPerAgent} probes per round (a
 * pair whose source has no budget left gives way to the next pair of the same cell).
 *
 * <p>Only live agents send probes; lost agents stay targets so their cells become inconclusive
 * ({@code TARGET_LOST}) instead of disappearing; gone agents are not planned. A cluster pair where a group
 * has no agent (the group's named clusters, or anywhere) still gets the cell, inconclusive
 * ({@code NO_AGENTS}): every rule of the expectations is in every report, proven or not. A rule for
 * {@code clusters: same} (or {@code other}) gets only the cluster pairs of one (or of two different) clusters. A target is an agent with a
 * responder for the cell's port and protocol. External groups are probed from the sampled sources of
 * each source cluster. Self pairs are left out.
 *
 * <p>Cells derived from NetworkPolicies ({@code spec.fromPolicies}, a {@link FromPoliciesResolver}) are
 * planned the same way, but only within each cluster (policies are per cluster) and only on agent pairs
 * the policies decide; each sampled pair carries its own verdict and the policy that decided it.
 *
 * <p><b>Workload mode.</b> In a cluster given with its pods ({@code workloadPods}), groups select the real pods,
 * not the agents: a pair is two pods, the probe leaves from the source pod's network namespace, sent by the
 * agent in workload mode on that pod's node, and arrives at the destination pod, whose port the agent on its
 * node prepares first (a {@link PodListener} in {@link RoundPlan#prepareByAgent}; the round's first phase). A
 * pod whose node has no such agent cannot be a source or destination: its cells are inconclusive
 * ({@code NO_AGENT_ON_NODE}). The same rotation and budgets apply, with pods in place of agents; the budget is
 * the probing agent's, shared by all pods of its node.
 */
public final class ProbePlanner {

    /** The cluster name reports use for external destinations. */
    public static final String EXTERNAL = "external";
    /** The cluster name reports use for a group that names no cluster and has no agent anywhere. */
    public static final String UNKNOWN_CLUSTER = "unknown";

    private static final HttpCheck IDENTITY = new HttpCheck(Responder.HTTP_IDENTITY_PATH, "GET", 200, 200);

    private final PlannerSettings settings;

    public ProbePlanner(PlannerSettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    public PlannerSettings settings() {
        return settings;
    }

    /**
     * The probes of one round of {@code expectation}: its group {@code cells}, plus the cells {@code derived}
     * from the NetworkPolicies ({@code spec.fromPolicies}, empty when it has none): each of its group cells is
     * probed like any other, but only within each cluster (policies are per cluster) and on targets answering
     * on its port; every sampled agent pair gets the verdict the policies imply for it. {@code derived} must
     * be compiled for the non-gone agents of {@code agents}.
     */
    public RoundPlan plan(String roundId, long roundNumber, String expectation, Map<String, Group> groups,
            List<GroupCell> cells, Optional<FromPoliciesResolver> derived, List<RegisteredAgent> agents) {
        return plan(roundId, roundNumber, expectation, groups, cells, derived, agents, Map.of());
    }

    /**
     * As {@link #plan(String, long, String, Map, List, Optional, List)}, with the clusters in workload mode and
     * their pods ({@code workloadPods}, by cluster): there groups select those pods, not the agents, and
     * {@code derived} must be compiled for those pods (see {@link #endpoints}).
     */
    public RoundPlan plan(String roundId, long roundNumber, String expectation, Map<String, Group> groups,
            List<GroupCell> cells, Optional<FromPoliciesResolver> derived, List<RegisteredAgent> agents,
            Map<String, List<WorkloadPod>> workloadPods) {
        requireNonNull(derived, "derived");
        requireNonNull(workloadPods, "workloadPods");
        requireNonNull(roundId, "roundId");
        requireNonNull(expectation, "expectation");
        if (roundNumber < 0) {
            throw new IllegalArgumentException("roundNumber must not be negative: " + roundNumber);
        }
        List<Member> members = members(agents, workloadPods);
        Builder b = new Builder(roundId);
        Map<String, Map<String, List<Member>>> membership = new HashMap<>();
        for (GroupCell cell : cells) {
            Group from = groups.get(cell.from());
            Group to = groups.get(cell.to());
            if (from == null || to == null) {
                throw new IllegalArgumentException("cell " + cell.from() + " -> " + cell.to() + " names an unknown group");
            }
            if (from.isExternal()) {
                continue; // nothing runs an agent in an external group: there is no source to probe from
            }
            Map<String, List<Member>> sources = membership.computeIfAbsent(cell.from(), g -> byCluster(members, from));
            if (to.isExternal()) {
                planExternal(b, expectation, roundNumber, cell, from, to, sources);
            } else {
                Map<String, List<Member>> targets = membership.computeIfAbsent(cell.to(), g -> byCluster(members, to));
                String prefix = cellKey(expectation, cell.from(), cell.to(), cell.port());
                Choice written = new Choice(cell, null, null);
                for (String fromCluster : clusters(from, sources)) {
                    for (String toCluster : clusters(to, targets)) {
                        if (!cell.clusters().admits(fromCluster, toCluster)) {
                            continue; // the rule speaks only for in-cluster, or only for cross-cluster, pairs
                        }
                        List<Member> s = sources.get(fromCluster);
                        List<Member> t = targets.get(toCluster);
                        boolean alone = onlyOneAgent(s, t);
                        if (s == null || t == null || alone) {
                            b.unplanned(written, fromCluster, toCluster, s == null ? null : s.get(0),
                                    t == null || alone ? null : t.get(0), InconclusiveReason.NO_AGENTS);
                        } else {
                            planClusterPair(b, prefix, cell.port(), roundNumber, (f, x) -> written, fromCluster, s, toCluster, t);
                        }
                    }
                }
            }
        }
        if (derived.isPresent()) {
            for (FromPoliciesResolver.DerivedGroupCell cell : derived.get().groupCells()) {
                Group from = groups.get(cell.from());
                Group to = groups.get(cell.to());
                if (from == null || to == null) {
                    throw new IllegalArgumentException("cell " + cell.from() + " -> " + cell.to() + " names an unknown group");
                }
                Map<String, List<Member>> sources = membership.computeIfAbsent(cell.from(), g -> byCluster(members, from));
                Map<String, List<Member>> targets = membership.computeIfAbsent(cell.to(), g -> byCluster(members, to));
                String prefix = cellKey(expectation, cell.from(), cell.to(), cell.port());
                PairCell verdictOf = (f, t) -> derived.get().explain(f.endpoint(), t.endpoint(), cell.port())
                        .map(d -> new Choice(cell.withVerdict(d.verdict()), d.decidedBy(), d.explanation().reason()))
                        .orElse(null);
                for (Map.Entry<String, List<Member>> s : sources.entrySet()) {
                    for (Map.Entry<String, List<Member>> t : targets.entrySet()) {
                        if (cell.clusters().admits(s.getKey(), t.getKey())) {
                            planClusterPair(b, prefix, cell.port(), roundNumber, verdictOf, s.getKey(), s.getValue(), t.getKey(),
                                    t.getValue());
                        }
                    }
                }
            }
        }
        return b.build(expectation);
    }

    /** The cell one agent pair proves; null when the pair has none (a derived cell the policies do not decide). */
    @FunctionalInterface
    private interface PairCell {
        Choice of(Member from, Member to);
    }

    /** A pair's cell and, when NetworkPolicies set its verdict, the policy that decided it and the engine's reason. */
    private record Choice(GroupCell cell, String decidedBy, String explain) {
    }

    private void planClusterPair(Builder b, String keyPrefix, PortSpec port, long round, PairCell cellOf, String fromCluster,
            List<Member> sourceMembers, String toCluster, List<Member> targetMembers) {
        String key = keyPrefix + "|" + fromCluster + "->" + toCluster;
        List<Member> sources = ordered(key, sourceMembers.stream().filter(Member::live).toList());
        List<Member> targets = ordered(key, targetMembers.stream().filter(m -> m.canBeTarget(port)).toList());
        if (targets.isEmpty()) {
            Member from = sources.isEmpty() ? sourceMembers.get(0) : sources.get(0);
            Member to = targetMembers.get(0);
            Choice cell = cellOf.of(from, to);
            if (!from.id().equals(to.id()) && cell != null) {
                b.unplanned(cell, fromCluster, toCluster, from, to, to.pod() != null
                        ? InconclusiveReason.NO_AGENT_ON_NODE : InconclusiveReason.TARGET_SELF_CHECK_FAILED);
            }
            return;
        }
        if (sources.isEmpty()) {
            Member from = sourceMembers.stream().filter(m -> m.agent() != null).findFirst().orElse(sourceMembers.get(0));
            Member to = firstOther(targets, from);
            Choice cell = to == null ? null : cellOf.of(from, to);
            if (cell != null) {
                b.unplanned(cell, fromCluster, toCluster, from, to,
                        from.agent() == null ? InconclusiveReason.NO_AGENT_ON_NODE : InconclusiveReason.NO_RESULT);
            }
            return;
        }
        int s = sources.size();
        int t = targets.size();
        long pairs = (long) s * t;
        long start = Math.floorMod(round * settings.pairsPerClusterPair(), pairs);
        int taken = 0;
        Choice blocked = null;
        Member blockedFrom = null;
        Member blockedTo = null;
        for (long step = 0; step < pairs && taken < settings.pairsPerClusterPair(); step++) {
            long p = (start + step) % pairs;
            int i = (int) (p % s);
            int j = (int) ((i + p / s) % t);
            Member from = sources.get(i);
            Member to = targets.get(j);
            Choice cell = from.id().equals(to.id()) ? null : cellOf.of(from, to);
            if (cell == null) {
                continue;
            }
            if (!b.hasBudget(from.agent().agentId())) {
                if (blocked == null) {
                    blocked = cell;
                    blockedFrom = from;
                    blockedTo = to;
                }
                continue;
            }
            b.probe(cell.cell(), cell.decidedBy(), cell.explain(), fromCluster, toCluster, from, to, null, to.address());
            taken++;
        }
        if (taken == 0 && blocked != null) {
            b.unplanned(blocked, fromCluster, toCluster, blockedFrom, blockedTo, InconclusiveReason.NO_RESULT);
        }
    }

    private void planExternal(Builder b, String expectation, long round, GroupCell cell, Group fromGroup,
            Group to, Map<String, List<Member>> sources) {
        for (String fromCluster : clusters(fromGroup, sources)) {
            List<Member> members = sources.get(fromCluster);
            for (String address : to.external()) {
                if (members == null) {
                    b.unplannedExternal(cell, fromCluster, null, address, InconclusiveReason.NO_AGENTS);
                    continue;
                }
                String key = cellKey(expectation, cell, fromCluster, address);
                List<Member> live = ordered(key, members.stream().filter(Member::live).toList());
                if (live.isEmpty()) {
                    Member from = members.stream().filter(m -> m.agent() != null).findFirst().orElse(members.get(0));
                    b.unplannedExternal(cell, fromCluster, from, address,
                            from.agent() == null ? InconclusiveReason.NO_AGENT_ON_NODE : InconclusiveReason.NO_RESULT);
                    continue;
                }
                int taken = 0;
                Member blocked = null;
                int start = (int) Math.floorMod(round * settings.pairsPerClusterPair(), (long) live.size());
                for (int step = 0; step < live.size() && taken < settings.pairsPerClusterPair(); step++) {
                    Member from = live.get((start + step) % live.size());
                    if (!b.hasBudget(from.agent().agentId())) {
                        blocked = blocked == null ? from : blocked;
                        continue;
                    }
                    b.probe(cell, null, null, fromCluster, EXTERNAL, from, null, address, host(address));
                    taken++;
                }
                if (taken == 0 && blocked != null) {
                    b.unplannedExternal(cell, fromCluster, blocked, address, InconclusiveReason.NO_RESULT);
                }
            }
        }
    }

    /** The key of one cell in one cluster pair: what rendezvous ordering uses. */
    public static String cellKey(String expectation, GroupCell cell, String fromCluster, String toCluster) {
        return cellKey(expectation, cell.from(), cell.to(), cell.port()) + "|" + fromCluster + "->" + toCluster;
    }

    private static String cellKey(String expectation, String from, String to, PortSpec port) {
        return expectation + "|" + from + "->" + to + "|" + port;
    }

    /** The agent as an expectation endpoint, for group membership. */
    public static Endpoint endpoint(AgentIdentity a) {
        return Endpoint.pod(a.agentId(), a.cluster(), a.cloud(), a.namespace(), a.namespaceLabels(), a.pod(),
                a.podLabels(), a.addresses()).withPorts(ports(a.responders()));
    }

    /** A workload pod as an expectation endpoint (its id {@code pod:CLUSTER/NAMESPACE/NAME}), for group membership. */
    public static Endpoint endpoint(WorkloadPod pod, String cloud) {
        return Endpoint.pod(podId(pod), pod.cluster(), cloud, pod.namespace(), pod.namespaceLabels(), pod.name(),
                pod.labels(), List.of(pod.ip())).withPorts(ports(pod.ports()));
    }

    private static String podId(WorkloadPod pod) {
        return "pod:" + pod.cluster() + "/" + pod.namespace() + "/" + pod.name();
    }

    /**
     * What groups select, as endpoints: the non-gone agents of clusters in agent mode, and the pods of the clusters
     * in {@code workloadPods}, ordered by id; what {@code fromPolicies} must be compiled for.
     */
    public static List<Endpoint> endpoints(List<RegisteredAgent> agents, Map<String, List<WorkloadPod>> workloadPods) {
        return members(agents, workloadPods).stream().map(Member::endpoint).sorted(Comparator.comparing(Endpoint::id)).toList();
    }

    /**
     * The members groups select: in a cluster of {@code workloadPods} its pods, each with the non-gone workload-mode
     * agent on its node (null when none runs there; live when that agent is); elsewhere the non-gone agents.
     */
    private static List<Member> members(List<RegisteredAgent> agents, Map<String, List<WorkloadPod>> workloadPods) {
        List<Member> members = new ArrayList<>();
        Map<List<String>, RegisteredAgent> byNode = new HashMap<>();
        Map<String, String> clouds = new HashMap<>();
        for (RegisteredAgent a : agents) {
            if (a.state() == AgentState.GONE) {
                continue;
            }
            AgentIdentity id = a.identity();
            clouds.putIfAbsent(id.cluster(), id.cloud());
            if (!workloadPods.containsKey(id.cluster())) {
                members.add(new Member(id.agentId(), id, null, endpoint(id), a.state() == AgentState.LIVE));
            } else if (id.capabilities().contains(AgentIdentity.CAPABILITY_WORKLOAD)) {
                // a live agent of a node wins over one that is lost (a restarted pod of the DaemonSet)
                byNode.merge(List.of(id.cluster(), id.node()), a,
                        (old, fresh) -> old.state() == AgentState.LIVE ? old : fresh);
            }
        }
        workloadPods.forEach((cluster, pods) -> {
            for (WorkloadPod pod : pods) {
                RegisteredAgent agent = byNode.get(List.of(cluster, pod.node()));
                members.add(new Member(podId(pod), agent == null ? null : agent.identity(), pod,
                        endpoint(pod, clouds.get(cluster)), agent != null && agent.state() == AgentState.LIVE));
            }
        });
        return members;
    }

    /**
     * Responders as the ports an endpoint answers on: an HTTP responder is proven by {@code GET} of the
     * agent's identity path (200); responders of unknown protocols are left out.
     */
    static List<PortSpec> ports(List<Responder> responders) {
        List<PortSpec> ports = new ArrayList<>();
        for (Responder r : responders) {
            Protocol protocol;
            try {
                protocol = Protocol.valueOf(r.protocol());
            } catch (IllegalArgumentException e) {
                continue;
            }
            ports.add(new PortSpec(r.port(), protocol, protocol == Protocol.HTTP ? IDENTITY : null));
        }
        return ports;
    }

    /** Whether the agent has a responder for {@code port}: same number, same protocol (HTTP needs an HTTP responder). */
    public static boolean answers(AgentIdentity agent, PortSpec port) {
        return !agent.addresses().isEmpty() && agent.responders().contains(responder(port));
    }

    public static Responder responder(PortSpec port) {
        return new Responder(port.port(), port.protocol().spelling());
    }

    /** The host part of an external destination: {@code 169.254.169.254/32} -> {@code 169.254.169.254}. */
    static String host(String external) {
        int slash = external.indexOf('/');
        return slash < 0 ? external : external.substring(0, slash);
    }

    private static Member firstOther(List<Member> members, Member not) {
        for (Member m : members) {
            if (!m.id().equals(not.id())) {
                return m;
            }
        }
        return null;
    }

    /**
     * The clusters a group's cells are planned in: the clusters it names, else those where it has agents, else
     * {@value #UNKNOWN_CLUSTER} (a group with no agent anywhere still gets its cells, as {@code NO_AGENTS}).
     */
    private static Collection<String> clusters(Group group, Map<String, List<Member>> byCluster) {
        if (!group.clusters().isEmpty()) {
            return group.clusters();
        }
        return byCluster.isEmpty() ? List.of(UNKNOWN_CLUSTER) : byCluster.keySet();
    }

    /** True when the only agent pair is one agent with itself: nothing to probe. */
    private static boolean onlyOneAgent(List<Member> sources, List<Member> targets) {
        return sources != null && targets != null && sources.size() == 1 && targets.size() == 1
                && sources.get(0).id().equals(targets.get(0).id());
    }

    private static Map<String, List<Member>> byCluster(List<Member> members, Group group) {
        Map<String, List<Member>> byCluster = new TreeMap<>();
        for (Member m : members) {
            if (group.matches(m.endpoint())) {
                byCluster.computeIfAbsent(m.cluster(), c -> new ArrayList<>()).add(m);
            }
        }
        return byCluster;
    }

    private static List<Member> ordered(String key, List<Member> members) {
        List<Member> sorted = new ArrayList<>(members);
        Map<String, Long> weights = new HashMap<>();
        for (Member m : sorted) {
            weights.put(m.id(), Rendezvous.weight(key, m.id()));
        }
        sorted.sort(Comparator.<Member>comparingLong(m -> weights.get(m.id())).thenComparing(Member::id));
        return sorted;
    }

    /**
     * What a group selects: an agent (agent mode: {@code pod} null, {@code agent} is the member), or a real pod
     * (workload mode) with the agent on its node, null when none runs there. {@code live}: its agent is.
     */
    private record Member(String id, AgentIdentity agent, WorkloadPod pod, Endpoint endpoint, boolean live) {

        String cluster() {
            return pod != null ? pod.cluster() : agent.cluster();
        }

        /**
         * Whether probes of {@code port} can be aimed at it: an agent with a responder for it; a pod whose node has an
         * agent to make the port answer (whether it does, the round's first phase says).
         */
        boolean canBeTarget(PortSpec port) {
            return pod != null ? agent != null : answers(agent, port);
        }

        String address() {
            return pod != null ? pod.ip() : agent.addresses().get(0);
        }

        /** Whether the pod's containers declare {@code port} (its number, over TCP for HTTP): the app's port. */
        boolean declares(PortSpec port) {
            String transport = port.protocol() == Protocol.HTTP ? "TCP" : port.protocol().spelling();
            return pod != null && pod.ports().contains(new Responder(port.port(), transport));
        }
    }

    private final class Builder {
        private final String roundId;
        private final List<PlannedCell> cells = new ArrayList<>();
        private final Map<String, List<ProbeTask>> tasks = new LinkedHashMap<>();
        private final Map<String, Set<Responder>> selfChecks = new LinkedHashMap<>();
        private final Map<String, Set<PodListener>> prepare = new LinkedHashMap<>();
        private final Map<String, Integer> spent = new HashMap<>();
        private int nextTask;

        Builder(String roundId) {
            this.roundId = roundId;
        }

        boolean hasBudget(String agentId) {
            return spent.getOrDefault(agentId, 0) < settings.probeBudgetPerAgent();
        }

        /**
         * A probe from {@code from} to {@code to} (or to {@code external}), sent by {@code from}'s agent. Aimed at a
         * pod, it expects the identity a borrowed listener answers with; the round's first phase may say the app
         * answers instead.
         */
        void probe(GroupCell cell, String decidedBy, String explain, String fromCluster, String toCluster, Member from, Member to,
                String external, String host) {
            PortSpec port = cell.port();
            boolean http = port.protocol() == Protocol.HTTP;
            HttpCheck status = http ? port.http() : HttpCheck.DEFAULT;
            PodRef targetPod = to == null || to.pod() == null ? null : to.pod().ref();
            String expected = to == null ? null : targetPod != null ? targetPod.peerId() : to.agent().agentId();
            ProbeTask task = new ProbeTask(roundId + "/" + (nextTask++), port.protocol(), host, port.port(),
                    http ? port.http().path() : null, http ? port.http().method() : null, expected, settings.attempts(),
                    settings.timeoutMillis(), status.statusMin(), status.statusMax(),
                    from.pod() == null ? null : from.pod().ref(), targetPod);
            String sender = from.agent().agentId();
            spent.merge(sender, 1, Integer::sum);
            tasks.computeIfAbsent(sender, a -> new ArrayList<>()).add(task);
            if (targetPod != null) {
                prepare.computeIfAbsent(to.agent().agentId(), a -> new LinkedHashSet<>())
                        .add(new PodListener(targetPod, responder(port), http ? port.http().path() : null, to.declares(port)));
            } else if (to != null) {
                selfChecks.computeIfAbsent(to.agent().agentId(), a -> new LinkedHashSet<>()).add(responder(port));
            }
            cells.add(new PlannedCell(cell, fromCluster, toCluster, from.agent(), to == null ? null : to.agent(), external,
                    task, null, decidedBy, explain, from.pod(), to == null ? null : to.pod()));
        }

        void unplanned(Choice cell, String fromCluster, String toCluster, Member from, Member to, InconclusiveReason reason) {
            cells.add(new PlannedCell(cell.cell(), fromCluster, toCluster, from == null ? null : from.agent(),
                    to == null ? null : to.agent(), null, null, reason, cell.decidedBy(), cell.explain(), from == null ? null : from.pod(),
                    to == null ? null : to.pod()));
        }

        void unplannedExternal(GroupCell cell, String fromCluster, Member from, String address, InconclusiveReason reason) {
            cells.add(new PlannedCell(cell, fromCluster, EXTERNAL, from == null ? null : from.agent(), null, address, null,
                    reason, null, null, from == null ? null : from.pod(), null));
        }

        RoundPlan build(String expectation) {
            Map<String, List<Responder>> checks = new LinkedHashMap<>();
            selfChecks.forEach((agent, responders) -> checks.put(agent, List.copyOf(responders)));
            Map<String, List<PodListener>> listeners = new LinkedHashMap<>();
            prepare.forEach((agent, l) -> listeners.put(agent, List.copyOf(l)));
            return new RoundPlan(roundId, expectation, cells, tasks, checks, listeners);
        }
    }
}
