package io.reachproof.policy;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The truth table of several clusters, each with its own NetworkPolicies and pods ({@link TruthTable}) and the
 * address(es) its pods' traffic to the other clusters carries ({@link EgressAddresses}). A pod is
 * {@code cluster/namespace/name}; pods are ordered by cluster (in the order given), then as in their table.
 * A pair inside one cluster has that cluster's verdict; a pair of two clusters the verdict of {@link CrossCluster}.
 */
public final class MultiClusterTable implements WritableCells {

    /** One cluster: its name, its table and how its traffic arrives elsewhere. */
    public record Member(String name, TruthTable table, EgressAddresses egress) {
        public Member {
            requireNonNull(name, "name");
            requireNonNull(table, "table");
            requireNonNull(egress, "egress");
        }
    }

    /** Receives cells in order: by source, then destination, then port; ids are {@code cluster/ns/name}. */
    @FunctionalInterface
    public interface CellSink {
        void cell(String from, String to, PodPort port, boolean allowed);
    }

    private final List<Member> members;
    private final List<String> ids = new ArrayList<>();
    private final int[] clusterOf;
    private final int[] podOf;
    private final Map<String, Integer> indexById = new LinkedHashMap<>();

    public MultiClusterTable(List<Member> members) {
        this.members = List.copyOf(members);
        Map<String, Member> names = new TreeMap<>();
        for (Member m : this.members) {
            if (names.put(m.name(), m) != null) {
                throw new IllegalArgumentException("cluster " + m.name() + " is given twice");
            }
        }
        int n = this.members.stream().mapToInt(m -> m.table().pods().size()).sum();
        clusterOf = new int[n];
        podOf = new int[n];
        int i = 0;
        for (int c = 0; c < this.members.size(); c++) {
            Member m = this.members.get(c);
            List<PodRef> pods = m.table().pods();
            for (int p = 0; p < pods.size(); p++) {
                String id = m.name() + "/" + pods.get(p);
                ids.add(id);
                indexById.put(id, i);
                clusterOf[i] = c;
                podOf[i] = p;
                i++;
            }
        }
    }

    /** The clusters, in the order given. */
    public List<Member> members() {
        return members;
    }

    /** Every pod as {@code cluster/ns/name}, in table order. */
    @Override
    public List<String> pods() {
        return List.copyOf(ids);
    }

    /** The index of pod {@code cluster/ns/name}, or empty. */
    public OptionalInt indexOf(String id) {
        Integer i = indexById.get(id);
        return i == null ? OptionalInt.empty() : OptionalInt.of(i);
    }

    /** The cluster of pod {@code i}. */
    public Member clusterOf(int pod) {
        return members.get(clusterOf[pod]);
    }

    /** The index of pod {@code i} in its cluster's table. */
    public int indexInCluster(int pod) {
        return podOf[pod];
    }

    /** The ports pod {@code i} declares. */
    public List<PodPort> ports(int pod) {
        return clusterOf(pod).table().ports(podOf[pod]);
    }

    /** The index of {@code port/protocol} among pod {@code i}'s ports, or -1. */
    @Override
    public int portIndex(int pod, int port, Protocol protocol) {
        return clusterOf(pod).table().portIndex(podOf[pod], port, protocol);
    }

    /** Every port some pod declares, sorted by number and protocol (names merged). */
    @Override
    public List<PodPort> allPorts() {
        Map<String, PodPort> byLabel = new TreeMap<>();
        for (Member m : members) {
            for (PodPort p : m.table().allPorts()) {
                byLabel.putIfAbsent(p.label(), p);
            }
        }
        return byLabel.values().stream().sorted().toList();
    }

    /** The verdict of one cell ({@code portIndex} among the destination's ports). */
    @Override
    public Verdict verdict(int from, int to, int portIndex) {
        if (clusterOf[from] == clusterOf[to]) {
            return clusterOf(from).table().verdict(podOf[from], podOf[to], portIndex);
        }
        Member f = clusterOf(from);
        Member t = clusterOf(to);
        return CrossCluster.verdict(f.table(), podOf[from], f.egress(), t.table(), podOf[to], ports(to).get(portIndex));
    }

    /**
     * Why {@code from -> to} on {@code port} is allowed or denied; between clusters, each side judged on the other's
     * address ({@link CrossCluster}).
     */
    public Explanation explain(int from, int to, int port, Protocol protocol) {
        if (clusterOf[from] == clusterOf[to]) {
            return clusterOf(from).table().explain(podOf[from], podOf[to], port, protocol);
        }
        int k = portIndex(to, port, protocol);
        return crossCluster(from, to, k >= 0 ? ports(to).get(k) : new PodPort(port, protocol, List.of()));
    }

    /** Which policy decided {@code from -> to} on {@code port}, and on which side. */
    public FromPoliciesResolver.PolicyDecision decision(int from, int to, int port, Protocol protocol) {
        return FromPoliciesResolver.PolicyDecision.of(explain(from, to, port, protocol), clusterOf(from).table(),
                clusterOf(to).table());
    }

    private Explanation crossCluster(int from, int to, PodPort port) {
        Member f = clusterOf(from);
        Member t = clusterOf(to);
        return CrossCluster.explain(f.name(), f.table(), podOf[from], f.egress(), t.name(), t.table(), podOf[to], port);
    }

    /** How many cells the table has. */
    public long cellCount() {
        long count = 0;
        for (int to = 0; to < ids.size(); to++) {
            count += (long) ports(to).size() * (ids.size() - 1);
        }
        return count;
    }

    /** Streams every cell: by source, then destination, then port. */
    @Override
    public void forEachCell(CellSink sink) {
        for (int from = 0; from < ids.size(); from++) {
            for (int to = 0; to < ids.size(); to++) {
                if (to == from) {
                    continue;
                }
                List<PodPort> ports = ports(to);
                for (int k = 0; k < ports.size(); k++) {
                    sink.cell(ids.get(from), ids.get(to), ports.get(k), verdict(from, to, k) == Verdict.ALLOW);
                }
            }
        }
    }
}
