package io.reachproof.policy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The obvious evaluator: every cell re-evaluates every policy's selectors, peers and ports straight from
 * the fabric8 objects. Slow (policies x rules x peers per cell) and independent of {@link TruthTable}'s
 * precomputed bit sets: the test oracle of the property tests and the baseline of the benchmark.
 */
final class NaivePolicyEvaluator {

    private final List<NetworkPolicy> policies;
    private final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
    private final List<Pod> pods;

    NaivePolicyEvaluator(List<NetworkPolicy> policies, List<Namespace> namespaces, List<Pod> pods) {
        this.policies = policies;
        for (Namespace n : namespaces) {
            Map<String, String> labels = new HashMap<>(labels(n.getMetadata().getLabels()));
            labels.put("kubernetes.io/metadata.name", n.getMetadata().getName());
            namespaceLabels.put(n.getMetadata().getName(), labels);
        }
        this.pods = pods.stream().sorted(Comparator.comparing(NaivePolicyEvaluator::id)).toList();
    }

    /** Every cell, in table order. */
    List<TruthTable.Cell> cells() {
        List<TruthTable.Cell> cells = new ArrayList<>();
        for (int from = 0; from < pods.size(); from++) {
            cells.addAll(cellsFrom(from));
        }
        return cells;
    }

    /** The cells of one source row. */
    List<TruthTable.Cell> cellsFrom(int from) {
        List<TruthTable.Cell> cells = new ArrayList<>();
        Pod source = pods.get(from);
        for (Pod destination : pods) {
            if (destination == source) {
                continue;
            }
            for (Map.Entry<String, TreeSet<String>> port : ports(destination).entrySet()) {
                String[] key = port.getKey().split(" ");
                int number = Integer.parseInt(key[0]);
                Protocol protocol = Protocol.valueOf(key[1].substring(1));
                boolean allowed = allowed(source, destination, number, protocol.name(), port.getValue());
                cells.add(new TruthTable.Cell(id(source), id(destination), number, protocol,
                        allowed ? Verdict.ALLOW : Verdict.DENY));
            }
        }
        return cells;
    }

    /** Whether any policy selects the pod for this direction ({@code Ingress} or {@code Egress}). */
    boolean isolated(Pod pod, String direction) {
        return policies.stream().anyMatch(p -> selects(p, pod) && types(p).contains(direction));
    }

    private boolean allowed(Pod from, Pod to, int port, String protocol, TreeSet<String> names) {
        return sideAllows(from, to, port, protocol, names, "Egress") && sideAllows(to, from, port, protocol, names, "Ingress");
    }

    private boolean sideAllows(Pod pod, Pod peer, int port, String protocol, TreeSet<String> names, String direction) {
        boolean isolated = false;
        for (NetworkPolicy policy : policies) {
            if (!selects(policy, pod) || !types(policy).contains(direction)) {
                continue;
            }
            isolated = true;
            if (direction.equals("Ingress")) {
                for (var rule : nonNull(policy.getSpec().getIngress())) {
                    if (peersMatch(policy, rule.getFrom(), peer) && portsMatch(rule.getPorts(), port, protocol, names)) {
                        return true;
                    }
                }
            } else {
                for (var rule : nonNull(policy.getSpec().getEgress())) {
                    if (peersMatch(policy, rule.getTo(), peer) && portsMatch(rule.getPorts(), port, protocol, names)) {
                        return true;
                    }
                }
            }
        }
        return !isolated;
    }

    /** {@code policyTypes} as written, or defaulted: Ingress, plus Egress when there are egress rules. */
    static List<String> types(NetworkPolicy policy) {
        List<String> written = policy.getSpec().getPolicyTypes();
        if (written != null && !written.isEmpty()) {
            return written;
        }
        return policy.getSpec().getEgress() != null && !policy.getSpec().getEgress().isEmpty()
                ? List.of("Ingress", "Egress") : List.of("Ingress");
    }

    private boolean selects(NetworkPolicy policy, Pod pod) {
        return namespace(policy.getMetadata().getNamespace()).equals(namespace(pod.getMetadata().getNamespace()))
                && matches(policy.getSpec().getPodSelector(), labels(pod.getMetadata().getLabels()));
    }

    private boolean peersMatch(NetworkPolicy policy, List<NetworkPolicyPeer> peers, Pod peer) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer p : peers) {
            if (p.getIpBlock() != null) {
                Cidr cidr = Cidr.parse(p.getIpBlock().getCidr()).orElseThrow();
                String ip = peer.getStatus() == null ? null : peer.getStatus().getPodIP();
                if (ip != null && cidr.contains(Cidr.parseAddress(ip))
                        && nonNull(p.getIpBlock().getExcept()).stream()
                                .noneMatch(e -> Cidr.parse(e).orElseThrow().contains(Cidr.parseAddress(ip)))) {
                    return true;
                }
                continue;
            }
            String peerNamespace = namespace(peer.getMetadata().getNamespace());
            boolean namespaceOk = p.getNamespaceSelector() == null
                    ? peerNamespace.equals(namespace(policy.getMetadata().getNamespace()))
                    : matches(p.getNamespaceSelector(), namespaceLabels.getOrDefault(peerNamespace,
                            Map.of("kubernetes.io/metadata.name", peerNamespace)));
            boolean podOk = p.getPodSelector() == null || matches(p.getPodSelector(), labels(peer.getMetadata().getLabels()));
            if (namespaceOk && podOk) {
                return true;
            }
        }
        return false;
    }

    private static boolean portsMatch(List<NetworkPolicyPort> ports, int port, String protocol, TreeSet<String> names) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort p : ports) {
            String ruleProtocol = p.getProtocol() == null ? "TCP" : p.getProtocol();
            if (!ruleProtocol.equals(protocol)) {
                continue;
            }
            IntOrString value = p.getPort();
            if (value == null) {
                return true;
            }
            if (value.getStrVal() != null) {
                if (names.contains(value.getStrVal())) {
                    return true;
                }
                continue;
            }
            int end = p.getEndPort() == null ? value.getIntVal() : p.getEndPort();
            if (port >= value.getIntVal() && port <= end) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        for (Map.Entry<String, String> e : labels(selector.getMatchLabels()).entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (LabelSelectorRequirement r : nonNull(selector.getMatchExpressions())) {
            String value = labels.get(r.getKey());
            boolean ok = switch (r.getOperator()) {
                case "In" -> value != null && r.getValues().contains(value);
                case "NotIn" -> value == null || !r.getValues().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new IllegalArgumentException(r.getOperator());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** "PORT /PROTOCOL" (sortable like the table: number, then TCP, UDP, SCTP) to the names declared there. */
    private static Map<String, TreeSet<String>> ports(Pod pod) {
        Map<String, TreeSet<String>> ports = new TreeMap<>(Comparator
                .comparingInt((String k) -> Integer.parseInt(k.split(" ")[0]))
                .thenComparing(k -> Protocol.valueOf(k.split(" ")[1].substring(1))));
        if (pod.getSpec() == null) {
            return ports;
        }
        for (Container c : nonNull(pod.getSpec().getContainers())) {
            for (ContainerPort p : nonNull(c.getPorts())) {
                String protocol = p.getProtocol() == null ? "TCP" : p.getProtocol();
                TreeSet<String> names = ports.computeIfAbsent(p.getContainerPort() + " /" + protocol, k -> new TreeSet<>());
                if (p.getName() != null) {
                    names.add(p.getName());
                }
            }
        }
        return ports;
    }

    static String id(Pod pod) {
        return namespace(pod.getMetadata().getNamespace()) + "/" + pod.getMetadata().getName();
    }

    private static String namespace(String ns) {
        return ns == null ? "default" : ns;
    }

    private static Map<String, String> labels(Map<String, String> labels) {
        return labels == null ? Map.of() : labels;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
