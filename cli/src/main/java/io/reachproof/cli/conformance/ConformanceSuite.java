package io.reachproof.cli.conformance;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.cli.dataplane.CniProfile;
import io.reachproof.policy.Located;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.protocol.Protocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The conformance suite, as data: per feature a namespace of its own (so the features' policies never meet), its
 * pods, its policies and the probes that prove it. Every pod serves TCP 80 (named {@code http}), 81, 82 and 83 and UDP
 * 53 (named {@code dns}) and 54. Two hosts outside the cluster (addresses of a subnet no pod has, not known to the
 * cluster's API) are the peers of the ipBlock-with-except feature. The enforcement delay is measured on
 * {@code delay/server} (a policy denying it is applied) and {@code delaynew/late} (a pod made under a deny-all).
 */
public final class ConformanceSuite {

    /** A changed policy or a new pod enforced later than this is a failed enforcement-delay feature. */
    public static final Duration DELAY_LIMIT = Duration.ofSeconds(2);
    /** TCP ports every pod serves, and UDP ones. */
    public static final List<Integer> TCP_PORTS = List.of(80, 81, 82, 83);
    public static final List<Integer> UDP_PORTS = List.of(53, 54);
    /** The namespace the hosts outside the cluster are named in (they are no pods of it). */
    public static final String OUTSIDE = "outside";
    /** The namespace of ipBlock with except, the feature proved from hosts outside the cluster. */
    public static final String IPBLOCK_EXCEPT_NAMESPACE = "ipblock";

    /** A pod of the suite ({@code managed}: a pod of the cluster; else a host outside it) and its node. */
    public record SuitePod(String namespace, String name, Map<String, String> labels, boolean managed, String node) {
        public String key() {
            return namespace + "/" + name;
        }
    }

    private ConformanceSuite() {
    }

    /**
     * The suite's namespaces and their labels (besides {@code kubernetes.io/metadata.name}); without
     * {@code outsideHosts}, not the namespace of ipBlock with except, which is proved from hosts outside the cluster.
     */
    public static Map<String, Map<String, String>> namespaces(boolean outsideHosts) {
        Map<String, Map<String, String>> ns = new LinkedHashMap<>();
        for (String n : List.of("ingress", "egress", "nssel", "podsel", "named", "endport", IPBLOCK_EXCEPT_NAMESPACE,
                "ipblockpod", "udp", "deny", "delay", "delaynew")) {
            ns.put(n, Map.of());
        }
        ns.put("nssel-in", Map.of("conformance", "in"));
        ns.put("nssel-out", Map.of());
        if (!outsideHosts) {
            ns.remove(IPBLOCK_EXCEPT_NAMESPACE);
        }
        return ns;
    }

    /**
     * The pods there from the start, and with {@code outsideHosts} the hosts outside the cluster (on node-2, whose
     * subnet no pod has) and the pod they probe.
     */
    public static List<SuitePod> pods(boolean outsideHosts) {
        List<SuitePod> pods = new ArrayList<>(podsInside());
        if (!outsideHosts) {
            pods.removeIf(p -> p.namespace().equals(IPBLOCK_EXCEPT_NAMESPACE));
            return pods;
        }
        pods.add(new SuitePod(OUTSIDE, "in", Map.of(), false, "node-2"));
        pods.add(new SuitePod(OUTSIDE, "out", Map.of(), false, "node-2"));
        return pods;
    }

    private static List<SuitePod> podsInside() {
        List<SuitePod> pods = new ArrayList<>();
        for (String ns : List.of("ingress", "egress", "named", "endport", "udp", "deny", "delay")) {
            pods.add(pod(ns, "server"));
            pods.add(pod(ns, "client"));
        }
        pods.add(pod("podsel", "server"));
        pods.add(pod("podsel", "client"));
        pods.add(pod("podsel", "other"));
        pods.add(pod("nssel", "server"));
        pods.add(pod("nssel-in", "client"));
        pods.add(pod("nssel-out", "client"));
        pods.add(pod("ipblock", "server"));
        pods.add(pod("ipblockpod", "server"));
        pods.add(pod("ipblockpod", "client"));
        pods.add(pod("ipblockpod", "other"));
        return pods;
    }

    /** The pod the enforcement-delay measure makes once the rest is enforced, under a deny-all. */
    public static SuitePod latePod() {
        return pod("delaynew", "late");
    }

    private static SuitePod pod(String ns, String name) {
        return new SuitePod(ns, name, Map.of("app", name), true, "node-1");
    }

    /**
     * The policies of every probed feature, with {@code ipOf} (pod key -> address) for those naming addresses;
     * {@code outsideCidr} is the subnet of the hosts outside the cluster (node-2's in a lab cluster); without one, no
     * policy of ipBlock with except.
     */
    public static List<NetworkPolicy> policies(Map<String, String> ipOf, Optional<String> outsideCidr) {
        String yaml = """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: server-port-80, namespace: ingress}
                spec:
                  podSelector: {matchLabels: {app: server}}
                  ingress: [{ports: [{port: 80}]}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: client-port-80, namespace: egress}
                spec:
                  podSelector: {matchLabels: {app: client}}
                  policyTypes: [Egress]
                  egress: [{ports: [{port: 80}]}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-labelled-namespaces, namespace: nssel}
                spec:
                  podSelector: {matchLabels: {app: server}}
                  ingress: [{from: [{namespaceSelector: {matchLabels: {conformance: in}}}]}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-client, namespace: podsel}
                spec:
                  podSelector: {matchLabels: {app: server}}
                  ingress: [{from: [{podSelector: {matchExpressions: [{key: app, operator: In, values: [client]}]}}]}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: named-http, namespace: named}
                spec:
                  podSelector: {matchLabels: {app: server}}
                  ingress: [{ports: [{port: http}]}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: range-80-82, namespace: endport}
                spec:
                  podSelector: {matchLabels: {app: server}}
                  ingress: [{ports: [{port: 80, endPort: 82}]}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: outside-less-except, namespace: ipblock}
                spec:
                  podSelector: {matchLabels: {app: server}}
                  ingress: [{from: [{ipBlock: {cidr: OUTSIDE_CIDR, except: [OUTSIDE_OUT/32]}}]}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: client-by-address, namespace: ipblockpod}
                spec:
                  podSelector: {matchLabels: {app: server}}
                  ingress: [{from: [{ipBlock: {cidr: CLIENT_IP/32}}]}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: dns-only, namespace: udp}
                spec:
                  podSelector: {matchLabels: {app: server}}
                  ingress: [{ports: [{port: 53, protocol: UDP}]}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-all-ingress, namespace: deny}
                spec: {podSelector: {}, policyTypes: [Ingress]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-all-ingress, namespace: delaynew}
                spec: {podSelector: {}, policyTypes: [Ingress]}
                """.replace("OUTSIDE_CIDR", outsideCidr.orElse(TEST_NET))
                .replace("OUTSIDE_OUT", ipOf.getOrDefault(OUTSIDE + "/out", TEST_NET_HOST))
                .replace("CLIENT_IP", ipOf.get("ipblockpod/client"));
        return read(yaml).stream().filter(np -> outsideCidr.isPresent()
                || !np.getMetadata().getNamespace().equals(IPBLOCK_EXCEPT_NAMESPACE)).toList();
    }

    /** Documentation addresses (RFC 5737) standing in for the hosts outside a cluster that has none; never applied. */
    private static final String TEST_NET = "192.0.2.0/24";
    private static final String TEST_NET_HOST = "192.0.2.2";

    /**
     * The ports every suite pod declares, as its container's ports: TCP 80 named {@code http}, 81-83, UDP 53 named
     * {@code dns}, 54 (named ports resolve through these).
     */
    public static List<ContainerPort> containerPorts() {
        List<ContainerPort> ports = new ArrayList<>();
        for (int port : TCP_PORTS) {
            ports.add(new ContainerPortBuilder().withContainerPort(port).withName(port == 80 ? "http" : null)
                    .withProtocol("TCP").build());
        }
        for (int port : UDP_PORTS) {
            ports.add(new ContainerPortBuilder().withContainerPort(port).withName(port == 53 ? "dns" : null)
                    .withProtocol("UDP").build());
        }
        return ports;
    }

    /** The policy whose arrival the enforcement-delay measure times: {@code delay/server} denied everything. */
    public static NetworkPolicy delayPolicy() {
        return read("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-server, namespace: delay}
                spec: {podSelector: {matchLabels: {app: server}}, policyTypes: [Ingress]}
                """).get(0);
    }

    private static List<NetworkPolicy> read(String yaml) {
        PolicyInputReader.Result read = PolicyInputReader.readString("conformance-suite.yaml", yaml);
        if (!read.errors().isEmpty()) {
            throw new IllegalStateException("the conformance suite's policies do not read: " + read.errors());
        }
        return read.input().policies().stream().map(Located::object).toList();
    }

    /** The probes that prove {@code feature}; empty for the features that are measured or not probed. */
    public static List<CellCheck> checks(Feature feature) {
        return switch (feature) {
            case INGRESS -> List.of(tcp("ingress/client", "ingress/server", 80, true), tcp("ingress/client", "ingress/server", 81, false));
            case EGRESS -> List.of(tcp("egress/client", "egress/server", 80, true), tcp("egress/client", "egress/server", 81, false));
            case NAMESPACE_SELECTOR -> List.of(tcp("nssel-in/client", "nssel/server", 80, true),
                    tcp("nssel-out/client", "nssel/server", 80, false));
            case POD_SELECTOR -> List.of(tcp("podsel/client", "podsel/server", 80, true), tcp("podsel/other", "podsel/server", 80, false));
            case NAMED_PORTS -> List.of(tcp("named/client", "named/server", 80, true), tcp("named/client", "named/server", 81, false));
            case END_PORT -> List.of(tcp("endport/client", "endport/server", 80, true), tcp("endport/client", "endport/server", 81, true),
                    tcp("endport/client", "endport/server", 82, true), tcp("endport/client", "endport/server", 83, false));
            case IPBLOCK_EXCEPT -> List.of(tcp(OUTSIDE + "/in", "ipblock/server", 80, true), tcp(OUTSIDE + "/out", "ipblock/server", 80, false));
            case IPBLOCK_PODS -> List.of(tcp("ipblockpod/client", "ipblockpod/server", 80, true),
                    tcp("ipblockpod/other", "ipblockpod/server", 80, false));
            case UDP -> List.of(new CellCheck("udp/client", "udp/server", 53, Protocol.UDP, true),
                    new CellCheck("udp/client", "udp/server", 54, Protocol.UDP, false));
            case DENY_DROPS -> List.of(tcp("deny/client", "deny/server", 80, false),
                    new CellCheck("deny/client", "deny/server", 53, Protocol.UDP, false));
            case SCTP, ENFORCEMENT_DELAY -> List.of();
        };
    }

    private static CellCheck tcp(String from, String to, int port, boolean allowed) {
        return new CellCheck(from, to, port, Protocol.TCP, allowed);
    }

    /**
     * The features a lab cluster of {@code profile} is documented to fail: what the profile changes, and nothing else
     * (SCTP is not supported on any, where the kernel has none).
     */
    public static Set<Feature> documentedDeviations(CniProfile profile) {
        return switch (profile) {
            case REFERENCE -> EnumSet.noneOf(Feature.class);
            case NO_ENFORCEMENT -> EnumSet.complementOf(EnumSet.of(Feature.SCTP));
            case ENFORCEMENT_LAG -> EnumSet.of(Feature.ENFORCEMENT_DELAY);
            case IPBLOCK_IGNORES_PODS -> EnumSet.of(Feature.IPBLOCK_PODS);
            case NO_ENDPORT -> EnumSet.of(Feature.END_PORT);
            case REJECT -> EnumSet.of(Feature.DENY_DROPS);
        };
    }
}
