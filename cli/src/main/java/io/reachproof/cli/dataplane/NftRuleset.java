package io.reachproof.cli.dataplane;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * NetworkPolicies -> nftables, as a CNI would enforce them on the nodes: one table per node, loaded in the node's
 * network namespace, whose {@code forward} chain sends each new connection leaving a pod ({@code iifname} of the pod's
 * interface on the node) through that pod's egress chain and each one entering a pod ({@code oifname}) through its
 * ingress chain, where what the pod's policies allow returns and everything else is dropped. Written from the
 * Kubernetes NetworkPolicy v1 specification, on purpose without the policy engine ({@code io.reachproof.policy}): two
 * independent readings of the specification that agree on real packets are the point of the lab's cross-check.
 *
 * <ul>
 *   <li>A policy selects the pods of its own namespace its {@code podSelector} matches; it is about ingress always
 *       unless {@code policyTypes} says otherwise, and about egress when {@code policyTypes} names Egress or, without
 *       {@code policyTypes}, when it has egress rules.</li>
 *   <li>A pod selected for a direction by at least one policy is isolated in that direction: what the rules of all
 *       those policies allow passes, everything else is dropped. A pod selected by none is not restricted.</li>
 *   <li>A rule allows from (to) its peers, or from (to) everything without peers, on its ports, or on every port and
 *       protocol without ports. Peers: {@code podSelector} alone (pods of the policy's namespace),
 *       {@code namespaceSelector} alone (every pod of the matching namespaces), both (pods matching both), or
 *       {@code ipBlock} (a CIDR without its {@code except}s). A namespace's labels include the implicit
 *       {@code kubernetes.io/metadata.name}.</li>
 *   <li>Ports: a number, or a range with {@code endPort}, or a name; the protocol is TCP unless given. A named port
 *       is resolved on the destination pod with the same protocol (ingress: the pod itself; egress: each destination
 *       pod of the cluster the rule's peers contain), and matches nothing where it does not resolve.</li>
 *   <li>Replies of allowed connections come back ({@code ct state established,related}); a pod's traffic to itself
 *       never reaches its node.</li>
 * </ul>
 * Pods without an address, or on the host network, have no ruleset, and are peers of no pod selector.
 *
 * <p>A {@link CniProfile} other than {@code reference} changes what is rendered as that CNI would: {@code no-enforcement}
 * renders nothing; {@code reject} ends each chain with a TCP reset and ICMP admin-prohibited instead of a drop;
 * {@code no-endport} matches a port range's first port only; {@code ipblock-ignores-pods} makes every ipBlock leave out
 * the addresses of the cluster's pods. Pods named {@code open} (new, or selected by a changed policy, where the
 * enforcement lags) get no chains yet.
 */
public final class NftRuleset {

    /** The table the rules live in, in each pod's namespace. */
    public static final String TABLE = "reachproof_enforcer";
    private static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";

    private final List<NetworkPolicy> policies;
    private final CniProfile profile;
    private final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
    private final List<Pod> pods = new ArrayList<>();

    private NftRuleset(List<NetworkPolicy> policies, List<Namespace> namespaces, List<Pod> pods, CniProfile profile) {
        this.policies = new ArrayList<>(policies);
        this.profile = Objects.requireNonNull(profile, "profile");
        for (Namespace ns : namespaces) {
            Map<String, String> labels = new HashMap<>(Optional.ofNullable(ns.getMetadata().getLabels()).orElse(Map.of()));
            labels.put(NAMESPACE_NAME, ns.getMetadata().getName());
            namespaceLabels.put(ns.getMetadata().getName(), labels);
        }
        for (Pod p : pods) {
            if (ip(p) != null) {
                this.pods.add(p);
            }
        }
        // the same objects in another order (an informer's store has none) give the same rules
        this.pods.sort(java.util.Comparator.comparing(NftRuleset::key));
        this.policies.sort(java.util.Comparator.comparing(np -> np.getMetadata().getNamespace() + "/" + np.getMetadata().getName()));
    }

    /** Where a pod is attached: its node's network namespace (under /run/netns) and its interface there. */
    public record Attachment(String nodeNetns, String nodeInterface) {
    }

    /**
     * The table of each node that has a pod isolated in some direction, by the node's namespace; pods without an
     * {@code attachment} are left out (nothing on this machine carries their traffic).
     */
    public static Map<String, String> render(List<NetworkPolicy> policies, List<Namespace> namespaces, List<Pod> pods,
            Function<Pod, Optional<Attachment>> attachment) {
        return render(policies, namespaces, pods, attachment, CniProfile.REFERENCE, Set.of());
    }

    /**
     * The tables as a CNI of {@code profile} renders them; the pods keyed ({@link #key}) in {@code open} are left
     * without chains (their rules have not landed yet).
     */
    public static Map<String, String> render(List<NetworkPolicy> policies, List<Namespace> namespaces, List<Pod> pods,
            Function<Pod, Optional<Attachment>> attachment, CniProfile profile, Set<String> open) {
        Objects.requireNonNull(open, "open");
        if (profile == CniProfile.NO_ENFORCEMENT) {
            return new LinkedHashMap<>();
        }
        NftRuleset r = new NftRuleset(policies, namespaces, pods, profile);
        Map<String, StringBuilder> dispatch = new TreeMap<>();
        Map<String, StringBuilder> chains = new TreeMap<>();
        for (Pod p : r.pods) {
            Optional<Attachment> at = attachment.apply(p);
            if (at.isEmpty() || open.contains(key(p))) {
                continue;
            }
            r.chains(p, at.get().nodeInterface(), dispatch.computeIfAbsent(at.get().nodeNetns(), k -> new StringBuilder()),
                    chains.computeIfAbsent(at.get().nodeNetns(), k -> new StringBuilder()));
        }
        Map<String, String> tables = new LinkedHashMap<>();
        dispatch.forEach((node, jumps) -> {
            if (jumps.length() > 0) {
                tables.put(node, "table inet " + TABLE + " {\n  chain forward {\n    type filter hook forward priority 0;"
                        + " policy accept;\n    ct state established,related accept\n" + jumps + "  }\n" + chains.get(node)
                        + "}\n");
            }
        });
        return tables;
    }

    /** How {@link #render} names a pod. */
    public static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private static String ip(Pod p) {
        if (p.getStatus() == null || p.getStatus().getPodIP() == null || p.getStatus().getPodIP().isEmpty()
                || p.getSpec() != null && Boolean.TRUE.equals(p.getSpec().getHostNetwork())) {
            return null;
        }
        return p.getStatus().getPodIP();
    }

    /** The jumps and chains of pod {@code pod} attached at {@code iface}, when it is isolated in some direction. */
    private void chains(Pod pod, String iface, StringBuilder jumps, StringBuilder chains) {
        List<NetworkPolicy> ingress = new ArrayList<>();
        List<NetworkPolicy> egress = new ArrayList<>();
        for (NetworkPolicy np : policies) {
            if (!Objects.equals(np.getMetadata().getNamespace(), pod.getMetadata().getNamespace())
                    || !matches(np.getSpec().getPodSelector(), labels(pod))) {
                continue;
            }
            List<String> types = np.getSpec().getPolicyTypes();
            boolean hasEgressRules = np.getSpec().getEgress() != null && !np.getSpec().getEgress().isEmpty();
            boolean forIngress = types == null || types.isEmpty() || types.contains("Ingress");
            boolean forEgress = types == null || types.isEmpty() ? hasEgressRules : types.contains("Egress");
            if (forIngress) {
                ingress.add(np);
            }
            if (forEgress) {
                egress.add(np);
            }
        }
        // egress first: a connection leaves its source pod before it enters its destination
        if (!egress.isEmpty()) {
            jumps.append("    iifname \"").append(iface).append("\" jump egress-").append(iface).append('\n');
            chain(chains, "egress-" + iface, "# " + key(pod), egressRules(egress), "daddr");
        }
        if (!ingress.isEmpty()) {
            jumps.append("    oifname \"").append(iface).append("\" jump ingress-").append(iface).append('\n');
            chain(chains, "ingress-" + iface, "# " + key(pod), ingressRules(pod, ingress), "saddr");
        }
    }

    /**
     * A chain where what {@code rules} allow returns (to the next check) and the rest is dropped, or, for
     * {@code reject}, answered: TCP with a reset, the rest with ICMP admin-prohibited.
     */
    private void chain(StringBuilder t, String name, String comment, List<String> rules, String peerMatch) {
        t.append("  chain ").append(name).append(" { ").append(comment).append('\n');
        for (String r : rules) {
            t.append("    ").append((r.replace("PEER", "ip " + peerMatch) + " return").strip()).append('\n');
        }
        if (profile == CniProfile.REJECT) {
            t.append("    meta l4proto tcp reject with tcp reset\n    reject with icmpx type admin-prohibited\n  }\n");
        } else {
            t.append("    drop\n  }\n");
        }
    }

    private List<String> ingressRules(Pod pod, List<NetworkPolicy> selecting) {
        List<String> rules = new ArrayList<>();
        for (NetworkPolicy np : selecting) {
            for (NetworkPolicyIngressRule rule : Optional.ofNullable(np.getSpec().getIngress()).orElse(List.of())) {
                List<String> peers = peers(np, rule.getFrom());
                List<String> ports = ports(rule.getPorts(), pod);
                for (String peer : peers) {
                    for (String port : ports) {
                        rules.add(join(peer, port));
                    }
                }
            }
        }
        return rules;
    }

    private List<String> egressRules(List<NetworkPolicy> selecting) {
        List<String> rules = new ArrayList<>();
        for (NetworkPolicy np : selecting) {
            for (NetworkPolicyEgressRule rule : Optional.ofNullable(np.getSpec().getEgress()).orElse(List.of())) {
                List<NetworkPolicyPort> ports = Optional.ofNullable(rule.getPorts()).orElse(List.of());
                List<NetworkPolicyPort> named = ports.stream().filter(p -> p.getPort() != null
                        && p.getPort().getStrVal() != null).toList();
                List<NetworkPolicyPort> numbered = ports.stream().filter(p -> !named.contains(p)).toList();
                List<String> peers = peers(np, rule.getTo());
                if (ports.isEmpty() || !numbered.isEmpty()) {
                    for (String peer : peers) {
                        for (String port : ports(numbered.isEmpty() ? null : numbered, null)) {
                            rules.add(join(peer, port));
                        }
                    }
                }
                // a named port resolves on each destination pod the peers contain
                for (NetworkPolicyPort p : named) {
                    String protocol = protocol(p);
                    for (Pod destination : pods) {
                        if (!inPeers(np, rule.getTo(), destination)) {
                            continue;
                        }
                        Integer number = resolve(destination, p.getPort().getStrVal(), protocol);
                        if (number != null) {
                            rules.add("PEER " + ip(destination) + " " + protocol.toLowerCase(Locale.ROOT) + " dport " + number);
                        }
                    }
                }
            }
        }
        return rules;
    }

    private static String join(String peer, String port) {
        return (peer + " " + port).strip();
    }

    /**
     * The peer matches of a rule: {@code ""} for every address (no peers), else one per peer: {@code PEER { addresses }}
     * for pods, {@code PEER CIDR [PEER != { excepts }]} for an ipBlock; a peer that matches no pod is left out.
     */
    private List<String> peers(NetworkPolicy np, List<NetworkPolicyPeer> peers) {
        if (peers == null || peers.isEmpty()) {
            return List.of("");
        }
        List<String> matches = new ArrayList<>();
        for (NetworkPolicyPeer peer : peers) {
            if (peer.getIpBlock() != null) {
                IPBlock block = peer.getIpBlock();
                String m = "PEER " + block.getCidr();
                TreeSet<String> except = new TreeSet<>(Optional.ofNullable(block.getExcept()).orElse(List.of()));
                if (profile == CniProfile.IPBLOCK_IGNORES_PODS) {
                    // the CNI identifies its pods by identity, never by address: a CIDR matches no pod of the cluster
                    for (Pod p : pods) {
                        if (inCidr(ip(p), block.getCidr())) {
                            except.add(ip(p));
                        }
                    }
                }
                if (!except.isEmpty()) {
                    m += " PEER != { " + String.join(", ", except) + " }";
                }
                matches.add(m);
                continue;
            }
            TreeSet<String> addresses = new TreeSet<>();
            for (Pod p : pods) {
                if (podPeer(np, peer, p)) {
                    addresses.add(ip(p));
                }
            }
            if (!addresses.isEmpty()) {
                matches.add("PEER { " + String.join(", ", addresses) + " }");
            }
        }
        return matches;
    }

    /** Whether pod {@code p} is one of the pods a (non-ipBlock) peer selects. */
    private boolean podPeer(NetworkPolicy np, NetworkPolicyPeer peer, Pod p) {
        String namespace = p.getMetadata().getNamespace();
        boolean namespaceMatches = peer.getNamespaceSelector() == null
                ? namespace.equals(np.getMetadata().getNamespace())
                : matches(peer.getNamespaceSelector(), namespaceLabels.getOrDefault(namespace, Map.of(NAMESPACE_NAME, namespace)));
        boolean podMatches = peer.getPodSelector() == null || matches(peer.getPodSelector(), labels(p));
        return namespaceMatches && podMatches;
    }

    /** Whether {@code destination} is within the peers (every pod without peers). */
    private boolean inPeers(NetworkPolicy np, List<NetworkPolicyPeer> peers, Pod destination) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer peer : peers) {
            boolean in = peer.getIpBlock() != null
                    ? profile != CniProfile.IPBLOCK_IGNORES_PODS && inBlock(ip(destination), peer.getIpBlock())
                    : podPeer(np, peer, destination);
            if (in) {
                return true;
            }
        }
        return false;
    }

    private static boolean inBlock(String ip, IPBlock block) {
        if (!inCidr(ip, block.getCidr())) {
            return false;
        }
        for (String except : Optional.ofNullable(block.getExcept()).orElse(List.of())) {
            if (inCidr(ip, except)) {
                return false;
            }
        }
        return true;
    }

    private static boolean inCidr(String ip, String cidr) {
        int slash = cidr.indexOf('/');
        if (ip.contains(":") || cidr.contains(":")) {
            return false; // the lab is IPv4
        }
        long address = ipv4(ip);
        long network = ipv4(slash < 0 ? cidr : cidr.substring(0, slash));
        int bits = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1));
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return (address & mask) == (network & mask);
    }

    private static long ipv4(String text) {
        long v = 0;
        for (String part : text.split("\\.")) {
            v = (v << 8) | Integer.parseInt(part);
        }
        return v;
    }

    /**
     * The port matches of a rule: {@code ""} for every port and protocol (no ports), else one per port; a named port
     * resolves on {@code pod} (null: numbered ports only are given) and is left out where it does not.
     */
    private List<String> ports(List<NetworkPolicyPort> ports, Pod pod) {
        if (ports == null || ports.isEmpty()) {
            return List.of("");
        }
        List<String> matches = new ArrayList<>();
        for (NetworkPolicyPort p : ports) {
            String protocol = protocol(p).toLowerCase(Locale.ROOT);
            IntOrString port = p.getPort();
            if (port == null) {
                matches.add("meta l4proto " + protocol);
            } else if (port.getStrVal() != null) {
                Integer number = pod == null ? null : resolve(pod, port.getStrVal(), protocol(p));
                if (number != null) {
                    matches.add(protocol + " dport " + number);
                }
            } else if (p.getEndPort() != null && p.getEndPort() > port.getIntVal() && profile != CniProfile.NO_ENDPORT) {
                matches.add(protocol + " dport " + port.getIntVal() + "-" + p.getEndPort());
            } else {
                matches.add(protocol + " dport " + port.getIntVal());
            }
        }
        return matches;
    }

    private static String protocol(NetworkPolicyPort p) {
        return p.getProtocol() == null ? "TCP" : p.getProtocol().toUpperCase(Locale.ROOT);
    }

    /** The number of the container port of {@code pod} named {@code name} with {@code protocol}; null when none. */
    private static Integer resolve(Pod pod, String name, String protocol) {
        for (Container c : Optional.ofNullable(pod.getSpec()).map(s -> s.getContainers()).orElse(List.of())) {
            for (ContainerPort port : Optional.ofNullable(c.getPorts()).orElse(List.of())) {
                String proto = port.getProtocol() == null ? "TCP" : port.getProtocol().toUpperCase(Locale.ROOT);
                if (name.equals(port.getName()) && proto.equals(protocol)) {
                    return port.getContainerPort();
                }
            }
        }
        return null;
    }

    private static Map<String, String> labels(Pod p) {
        return Optional.ofNullable(p.getMetadata().getLabels()).orElse(Map.of());
    }

    /** Kubernetes label selector semantics: every matchLabels entry and every requirement must hold. */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        for (Map.Entry<String, String> e : Optional.ofNullable(selector.getMatchLabels()).orElse(Map.of()).entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (LabelSelectorRequirement r : Optional.ofNullable(selector.getMatchExpressions()).orElse(List.of())) {
            String value = labels.get(r.getKey());
            List<String> values = Optional.ofNullable(r.getValues()).orElse(List.of());
            boolean holds = switch (r.getOperator()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> labels.containsKey(r.getKey());
                case "DoesNotExist" -> !labels.containsKey(r.getKey());
                default -> false;
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }
}
