package io.reachproof.policy;

import io.reachproof.expectations.LabelSelector;
import io.reachproof.protocol.Protocol;
import io.reachproof.yaml.SourceRef;
import io.reachproof.protocol.Verdict;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The truth table a set of NetworkPolicies implies for a topology: for every ordered pair of distinct
 * pods and every port the destination declares, allow or deny, and for any cell an {@link Explanation}.
 *
 * <p>Built once, then read cell by cell with bit operations: every policy's selected pods and every
 * rule's peers are computed once as pod sets; for each distinct set of policies selecting a pod and each
 * distinct destination port, the union of the admitting rules' peers is computed once (lazily) and shared
 * by every pod with that policy set. A cell is then {@code (egress not isolated || egressSet.get(to)) &&
 * (ingress not isolated || ingressSet.get(from))}. Memory grows with pods and policies, not with cells;
 * {@link #forEachCell} streams cells without materialising them.
 */
public final class TruthTable {

    /** A pod as the engine sees it. */
    record PodInfo(PodRef ref, Map<String, String> labels, List<byte[]> ips, List<PodPort> ports) {
    }

    /** Receives cells in table order: by source, then destination, then port. */
    @FunctionalInterface
    public interface CellSink {
        void cell(int from, int to, PodPort port, boolean allowed);
    }

    /** One cell, for small tables and tests. */
    public record Cell(String from, String to, int port, Protocol protocol, Verdict verdict) {
    }

    private final List<CompiledPolicy> policies;
    private final Map<String, SourceRef> policyPositions = new HashMap<>();
    private final PodRef[] pods;
    private final Map<String, Integer> indexById;
    private final PodPort[][] ports;
    /** Per pod and port: index into {@link #keys}. */
    private final int[][] portKeys;
    private final List<PodPort> keys;
    private final BitSet[] selected;
    private final Map<CompiledPolicy.Rule, BitSet> peersOfRule = new IdentityHashMap<>();
    /** Per pod: the policies isolating it, by direction. */
    private final int[][] ingressPolicies;
    private final int[][] egressPolicies;
    /** Per pod: per port key, the allowed peers; null when the pod is not isolated in that direction. */
    private final BitSet[][] ingressAllowed;
    private final BitSet[][] egressAllowed;
    private final BitSet everyone;
    private final List<Map<String, String>> podLabels;
    private final List<List<byte[]>> podIps;
    /** Per pod: an id of the set of policies isolating it, by direction (pods with one set share its answers). */
    private final int[] ingressSetIds;
    private final int[] egressSetIds;
    /** Answers of {@link #allowsTowards}, by direction, policy set, port and peer: pods of a set share them. */
    private final Map<TowardsKey, Boolean> towards = new ConcurrentHashMap<>();

    private record TowardsKey(Direction direction, int policySet, PodPort port, List<Cidr> peer) {
    }
    private final Map<String, Map<String, String>> namespaceLabels;

    TruthTable(List<CompiledPolicy> policies, Map<String, Map<String, String>> namespaceLabels, List<PodInfo> podInfos) {
        this.policies = List.copyOf(policies);
        this.policies.forEach(p -> policyPositions.put(p.id(), p.at()));
        this.podLabels = podInfos.stream().map(PodInfo::labels).toList();
        this.podIps = podInfos.stream().map(p -> List.copyOf(p.ips())).toList();
        this.namespaceLabels = Map.copyOf(namespaceLabels);
        int n = podInfos.size();
        pods = new PodRef[n];
        ports = new PodPort[n][];
        portKeys = new int[n][];
        indexById = new HashMap<>();
        Map<PodPort, Integer> keyIds = new HashMap<>();
        keys = new ArrayList<>();
        Map<String, int[]> namespaceRange = new HashMap<>();
        for (int i = 0; i < n; i++) {
            PodInfo p = podInfos.get(i);
            pods[i] = p.ref();
            indexById.put(p.ref().toString(), i);
            ports[i] = p.ports().toArray(PodPort[]::new);
            portKeys[i] = new int[ports[i].length];
            for (int k = 0; k < ports[i].length; k++) {
                PodPort key = ports[i][k];
                portKeys[i][k] = keyIds.computeIfAbsent(key, x -> {
                    keys.add(x);
                    return keys.size() - 1;
                });
            }
            namespaceRange.computeIfAbsent(p.ref().namespace(), x -> new int[] {-1, -1});
            int[] range = namespaceRange.get(p.ref().namespace());
            if (range[0] < 0) {
                range[0] = i;
            }
            range[1] = i + 1;
        }
        everyone = new BitSet(n);
        everyone.set(0, n);

        PeerIndex index = new PeerIndex(podInfos, namespaceLabels, namespaceRange);
        selected = new BitSet[this.policies.size()];
        List<List<Integer>> ingressOf = new ArrayList<>();
        List<List<Integer>> egressOf = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ingressOf.add(new ArrayList<>());
            egressOf.add(new ArrayList<>());
        }
        for (int p = 0; p < this.policies.size(); p++) {
            CompiledPolicy policy = this.policies.get(p);
            selected[p] = index.podsIn(policy.namespace(), policy.podSelector());
            for (int pod = selected[p].nextSetBit(0); pod >= 0; pod = selected[p].nextSetBit(pod + 1)) {
                if (policy.types().contains(Direction.INGRESS)) {
                    ingressOf.get(pod).add(p);
                }
                if (policy.types().contains(Direction.EGRESS)) {
                    egressOf.get(pod).add(p);
                }
            }
            for (Direction d : Direction.values()) {
                if (policy.types().contains(d)) {
                    for (CompiledPolicy.Rule rule : policy.rules(d)) {
                        peersOfRule.put(rule, rule.peers().isEmpty() ? everyone : index.peers(policy.namespace(), rule));
                    }
                }
            }
        }
        ingressPolicies = toArrays(ingressOf);
        egressPolicies = toArrays(egressOf);
        ingressSetIds = setIds(ingressOf);
        egressSetIds = setIds(egressOf);
        ingressAllowed = new BitSet[n][];
        egressAllowed = new BitSet[n][];
        Map<List<Integer>, BitSet[]> ingressBySet = new HashMap<>();
        Map<List<Integer>, BitSet[]> egressBySet = new HashMap<>();
        for (int i = 0; i < n; i++) {
            if (ingressPolicies[i].length > 0) {
                BitSet[] byKey = ingressBySet.computeIfAbsent(ingressOf.get(i), s -> new BitSet[keys.size()]);
                ingressAllowed[i] = byKey;
                for (int key : portKeys[i]) {
                    if (byKey[key] == null) {
                        byKey[key] = union(ingressPolicies[i], Direction.INGRESS, keys.get(key));
                    }
                }
            }
            if (egressPolicies[i].length > 0) {
                egressAllowed[i] = egressBySet.computeIfAbsent(egressOf.get(i), s -> {
                    BitSet[] byKey = new BitSet[keys.size()];
                    int[] set = s.stream().mapToInt(Integer::intValue).toArray();
                    for (int key = 0; key < byKey.length; key++) {
                        byKey[key] = union(set, Direction.EGRESS, keys.get(key));
                    }
                    return byKey;
                });
            }
        }
    }

    private static int[] setIds(List<List<Integer>> sets) {
        Map<List<Integer>, Integer> ids = new HashMap<>();
        int[] out = new int[sets.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.computeIfAbsent(sets.get(i), s -> ids.size());
        }
        return out;
    }

    private static int[][] toArrays(List<List<Integer>> lists) {
        int[][] out = new int[lists.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = lists.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    /** The peers every admitting rule of these policies allows, for one destination port. */
    private BitSet union(int[] policySet, Direction direction, PodPort port) {
        BitSet out = new BitSet(pods.length);
        for (int p : policySet) {
            for (CompiledPolicy.Rule rule : policies.get(p).rules(direction)) {
                if (rule.admits(port)) {
                    BitSet peers = peersOfRule.get(rule);
                    if (peers == everyone) {
                        return everyone;
                    }
                    out.or(peers);
                }
            }
        }
        return out;
    }

    /** Where NetworkPolicy {@code ns/name} was written, or empty when the table has no such policy. */
    public Optional<SourceRef> policyAt(String id) {
        return Optional.ofNullable(policyPositions.get(id));
    }

    /** The labels of pod {@code i}. */
    public Map<String, String> labels(int pod) {
        return podLabels.get(pod);
    }

    /**
     * The labels of namespace {@code name}: those of its Namespace object plus
     * {@value PolicyEngine#NAMESPACE_NAME_LABEL}, or only that one when there is no Namespace object.
     */
    public Map<String, String> namespaceLabels(String name) {
        return namespaceLabels.getOrDefault(name, Map.of(PolicyEngine.NAMESPACE_NAME_LABEL, name));
    }

    /** The pods, sorted by {@code namespace/name}. */
    public List<PodRef> pods() {
        return List.of(pods);
    }

    /** The pod's index, or empty when there is no pod {@code ns/name}. */
    public OptionalInt indexOf(String id) {
        Integer i = indexById.get(id);
        return i == null ? OptionalInt.empty() : OptionalInt.of(i);
    }

    /** The ports pod {@code i} declares, sorted by number and protocol. */
    public List<PodPort> ports(int pod) {
        return List.of(ports[pod]);
    }

    /** The index of port {@code port/protocol} among pod {@code pod}'s ports, or -1 when it does not declare it. */
    public int portIndex(int pod, int port, Protocol protocol) {
        PodPort[] declared = ports[pod];
        for (int k = 0; k < declared.length; k++) {
            if (declared[k].port() == port && declared[k].protocol() == protocol) {
                return k;
            }
        }
        return -1;
    }

    /** Every port some pod declares, sorted by number and protocol (names merged). */
    public List<PodPort> allPorts() {
        Map<String, PodPort> byLabel = new HashMap<>();
        for (PodPort key : keys) {
            byLabel.merge(key.label(), key, (a, b) -> a);
        }
        return byLabel.values().stream().sorted().toList();
    }

    /** How many cells the table has. */
    public long cellCount() {
        long count = 0;
        for (PodPort[] p : ports) {
            count += (long) p.length * (pods.length - 1);
        }
        return count;
    }

    /** Streams every cell in table order: by source, then destination, then port. */
    public void forEachCell(CellSink sink) {
        for (int from = 0; from < pods.length; from++) {
            forEachCellFrom(from, sink);
        }
    }

    /** Streams the cells of one source row. */
    public void forEachCellFrom(int from, CellSink sink) {
        BitSet[] egress = egressAllowed[from];
        for (int to = 0; to < pods.length; to++) {
            if (to == from) {
                continue;
            }
            BitSet[] ingress = ingressAllowed[to];
            int[] keyIds = portKeys[to];
            PodPort[] toPorts = ports[to];
            for (int k = 0; k < keyIds.length; k++) {
                int key = keyIds[k];
                boolean allowed = (egress == null || egress[key].get(to)) && (ingress == null || ingress[key].get(from));
                sink.cell(from, to, toPorts[k], allowed);
            }
        }
    }

    /** The verdict of one cell of the table (a port the destination declares). */
    public Verdict verdict(int from, int to, int portIndex) {
        int key = portKeys[to][portIndex];
        BitSet[] egress = egressAllowed[from];
        BitSet[] ingress = ingressAllowed[to];
        boolean allowed = (egress == null || egress[key].get(to)) && (ingress == null || ingress[key].get(from));
        return allowed ? Verdict.ALLOW : Verdict.DENY;
    }

    /** Every cell as a list: for small tables and tests; use {@link #forEachCell} for large ones. */
    public List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        forEachCell((from, to, port, allowed) -> cells.add(new Cell(pods[from].toString(), pods[to].toString(),
                port.port(), port.protocol(), allowed ? Verdict.ALLOW : Verdict.DENY)));
        return cells;
    }

    /**
     * Why a connection from {@code from} to {@code to} on {@code port} is allowed or denied. The port need
     * not be one the destination declares; a number resolves to the destination's names for it.
     */
    public Explanation explain(int from, int to, int port, Protocol protocol) {
        int k = portIndex(to, port, protocol);
        PodPort resolved = k >= 0 ? ports[to][k] : new PodPort(port, protocol, List.of());
        Explanation.Side egress = side(Direction.EGRESS, from, to, egressPolicies[from], resolved);
        Explanation.Side ingress = side(Direction.INGRESS, to, from, ingressPolicies[to], resolved);
        Verdict verdict = egress.allows() && ingress.allows() ? Verdict.ALLOW : Verdict.DENY;
        return new Explanation(pods[from], pods[to], resolved, verdict, egress, ingress);
    }

    private Explanation.Side side(Direction direction, int pod, int peer, int[] policySet, PodPort port) {
        List<String> isolating = new ArrayList<>();
        List<Explanation.RuleRef> allowing = new ArrayList<>();
        for (int p : policySet) {
            CompiledPolicy policy = policies.get(p);
            isolating.add(policy.id());
            for (CompiledPolicy.Rule rule : policy.rules(direction)) {
                if (rule.admits(port) && peersOfRule.get(rule).get(peer)) {
                    allowing.add(new Explanation.RuleRef(policy.id(), direction, rule.index(), rule.at()));
                }
            }
        }
        return new Explanation.Side(direction, pods[pod], isolating, allowing);
    }

    /** The first address of pod {@code i} ({@code status.podIP}), or empty when it has none. */
    public Optional<Cidr> address(int pod) {
        List<byte[]> ips = podIps.get(pod);
        return ips.isEmpty() ? Optional.empty() : Optional.of(Cidr.host(ips.get(0)));
    }

    /**
     * One side of a connection whose peer is not a pod of this table (a pod of another cluster): the policies
     * selecting pod {@code pod} for {@code direction} and the rules that allow {@code port} to or from every
     * address of {@code peer} (a single address or the ranges the traffic may carry). Only {@code ipBlock}
     * peers can match an address that is not one of this table's pods; a rule without peers matches every
     * address. Every address of {@code peer} must be allowed (by one rule or several together) for the side to
     * allow; the allowing rules are then those whose blocks hold some of them. No addresses: only rules
     * without peers allow. {@code port}'s names resolve as in the table (give none for a port of a foreign pod).
     */
    public Explanation.Side sideTowards(Direction direction, int pod, PodPort port, List<Cidr> peer) {
        int[] policySet = direction == Direction.EGRESS ? egressPolicies[pod] : ingressPolicies[pod];
        List<String> isolating = new ArrayList<>();
        List<CompiledPolicy.Rule> admitting = new ArrayList<>();
        Map<CompiledPolicy.Rule, String> owner = new IdentityHashMap<>();
        for (int p : policySet) {
            CompiledPolicy policy = policies.get(p);
            isolating.add(policy.id());
            for (CompiledPolicy.Rule rule : policy.rules(direction)) {
                if (rule.admits(port)) {
                    admitting.add(rule);
                    owner.put(rule, policy.id());
                }
            }
        }
        List<Explanation.RuleRef> allowing = new ArrayList<>();
        CompiledPolicy.Rule open = admitting.stream().filter(r -> r.peers().isEmpty()).findFirst().orElse(null);
        if (open != null) {
            allowing.add(new Explanation.RuleRef(owner.get(open), direction, open.index(), open.at()));
        } else if (!peer.isEmpty()) {
            List<CompiledPolicy.IpBlock> blocks = new ArrayList<>();
            admitting.forEach(r -> r.peers().stream().filter(CompiledPolicy.IpBlock.class::isInstance)
                    .map(CompiledPolicy.IpBlock.class::cast).forEach(blocks::add));
            if (peer.stream().allMatch(range -> covered(range, blocks))) {
                for (CompiledPolicy.Rule rule : admitting) {
                    boolean holds = rule.peers().stream().anyMatch(x -> x instanceof CompiledPolicy.IpBlock b
                            && peer.stream().anyMatch(range -> overlaps(b, range)));
                    if (holds) {
                        allowing.add(new Explanation.RuleRef(owner.get(rule), direction, rule.index(), rule.at()));
                    }
                }
            }
        }
        return new Explanation.Side(direction, pods[pod], isolating, allowing);
    }

    /**
     * Whether {@link #sideTowards} allows: the same answer, without the explanation, remembered per set of policies
     * isolating the pod (every pod with the same policies shares it), so judging many pairs across clusters costs
     * a map lookup per cell.
     */
    public boolean allowsTowards(Direction direction, int pod, PodPort port, List<Cidr> peer) {
        int[] policySet = direction == Direction.EGRESS ? egressPolicies[pod] : ingressPolicies[pod];
        if (policySet.length == 0) {
            return true;
        }
        int id = direction == Direction.EGRESS ? egressSetIds[pod] : ingressSetIds[pod];
        return towards.computeIfAbsent(new TowardsKey(direction, id, port, List.copyOf(peer)),
                k -> sideTowards(direction, pod, port, peer).allows());
    }

    /** Whether every address of {@code range} lies in some block (outside its exceptions). */
    private static boolean covered(Cidr range, List<CompiledPolicy.IpBlock> blocks) {
        boolean touched = false;
        for (CompiledPolicy.IpBlock b : blocks) {
            if (b.cidr().contains(range) && b.except().stream().noneMatch(range::overlaps)) {
                return true;
            }
            touched |= overlaps(b, range);
        }
        if (!touched || range.isHost()) {
            return false;
        }
        return range.halves().stream().allMatch(h -> covered(h, blocks));
    }

    /** Whether some address of {@code range} lies in {@code block} outside its exceptions. */
    private static boolean overlaps(CompiledPolicy.IpBlock block, Cidr range) {
        return block.cidr().overlaps(range) && block.except().stream().noneMatch(e -> e.contains(range));
    }

    /** Resolves selectors and IP blocks to pod sets, each selector evaluated once per pod. */
    private static final class PeerIndex {
        private final List<PodInfo> pods;
        private final Map<String, Map<String, String>> namespaceLabels;
        private final Map<String, int[]> namespaceRange;
        private final List<String> namespaces;

        PeerIndex(List<PodInfo> pods, Map<String, Map<String, String>> namespaceLabels, Map<String, int[]> namespaceRange) {
            this.pods = pods;
            this.namespaceLabels = namespaceLabels;
            this.namespaceRange = namespaceRange;
            this.namespaces = List.copyOf(namespaceRange.keySet());
        }

        BitSet podsIn(String namespace, LabelSelector selector) {
            BitSet out = new BitSet(pods.size());
            int[] range = namespaceRange.get(namespace);
            if (range == null) {
                return out;
            }
            for (int i = range[0]; i < range[1]; i++) {
                if (selector.matches(pods.get(i).labels())) {
                    out.set(i);
                }
            }
            return out;
        }

        BitSet peers(String policyNamespace, CompiledPolicy.Rule rule) {
            BitSet out = new BitSet(pods.size());
            for (CompiledPolicy.Peer peer : rule.peers()) {
                out.or(matching(policyNamespace, peer));
            }
            return out;
        }

        private BitSet matching(String policyNamespace, CompiledPolicy.Peer peer) {
            BitSet out = new BitSet(pods.size());
            if (peer instanceof CompiledPolicy.IpBlock block) {
                for (int i = 0; i < pods.size(); i++) {
                    for (byte[] ip : pods.get(i).ips()) {
                        if (block.contains(ip)) {
                            out.set(i);
                            break;
                        }
                    }
                }
                return out;
            }
            CompiledPolicy.Selectors selectors = (CompiledPolicy.Selectors) peer;
            LabelSelector podSelector = selectors.podSelector() == null ? LabelSelector.EVERYTHING : selectors.podSelector();
            if (selectors.namespaceSelector() == null) {
                return podsIn(policyNamespace, podSelector);
            }
            for (String ns : namespaces) {
                Map<String, String> labels = namespaceLabels.getOrDefault(ns,
                        Map.of(PolicyEngine.NAMESPACE_NAME_LABEL, ns));
                if (selectors.namespaceSelector().matches(labels)) {
                    out.or(podsIn(ns, podSelector));
                }
            }
            return out;
        }
    }
}
