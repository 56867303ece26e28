package io.reachproof.cli.dataplane;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Clusters made of network namespaces, as the lab and the workload-mode tests run them:
 * <ul>
 *   <li>a <b>core</b> namespace ({@code PREFIX-core}) with a bridge joining every node (the network between
 *       nodes and between clusters, flat: a pod's address is what others see, unless its cluster translates its
 *       egress, {@link #translateEgress});</li>
 *   <li>per cluster {@code c} (in the order given) and node {@code n}: a <b>node</b> namespace
 *       ({@code PREFIX-CLUSTER-NODE}) routing between its pods ({@code 10.(200+c).(n+1).0/24}) and the core
 *       ({@code 10.199.c.(n+1)/16}), with a route to every other node's pods;</li>
 *   <li>per <b>pod</b>: a namespace ({@code PREFIX-CLUSTER-NAMESPACE-NAME}, see {@link #podNetnsTemplate}) with the
 *       next free address of its node's subnet from {@code .10} as a /32 on {@code eth0}, a veth whose other end
 *       ({@link Pod#nodeInterface()}) is in the node, and a default route through the node (the link-local gateway
 *       {@value #GATEWAY}, an address of the node, which answers for it on each pod's veth).</li>
 * </ul>
 * Every packet between pods, on one node or two, is routed through the nodes (as Calico does), so a node's
 * {@code forward} hook sees each one on its way out of the source pod ({@code iifname} its interface) and into the
 * destination pod ({@code oifname}): where a CNI enforces NetworkPolicies, and where a dropped packet is silence to
 * its sender, as on a real network.
 * Nothing outside namespaces whose names start with the prefix is touched: the addresses live only inside them.
 * {@link #close()} deletes every namespace it made (veths, bridges, addresses and nftables rules go with them), and
 * {@link #removeLeftovers} deletes what a crashed run left, by name.
 */
public final class Dataplane implements AutoCloseable {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?");
    /** Every pod's gateway: the node's end of its veth answers for it. */
    public static final String GATEWAY = "169.254.1.1";

    /** A node: its namespace, the prefix of its pods' addresses ({@code 10.200.1.}) and its address on the core. */
    public record Node(String cluster, String name, String netns, String podPrefix, String coreAddress) {
    }

    /**
     * A pod of the dataplane: where it runs, its address, its network namespace's name (under /run/netns), and its
     * node's namespace and the name of the pod's veth there.
     */
    public record Pod(String cluster, String node, String namespace, String name, String ip, String netns, String nodeNetns,
            String nodeInterface) {
    }

    private final String prefix;
    private final String core;
    private final Map<String, Map<String, Node>> nodes = new LinkedHashMap<>();
    private final Map<String, Integer> nextHost = new LinkedHashMap<>();
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private final List<String> made = new ArrayList<>();
    private int nextVeth;

    private Dataplane(String prefix) {
        this.prefix = prefix;
        this.core = prefix + "-core";
    }

    /**
     * Builds the core and the nodes of {@code nodesByCluster} (cluster name -> its node names), under {@code prefix}
     * (a short lowercase name; every namespace's name starts with it). Fails naming the command when one fails,
     * after deleting what it made.
     */
    public static Dataplane create(String prefix, Map<String, List<String>> nodesByCluster) {
        requireNonNull(prefix, "prefix");
        requireNonNull(nodesByCluster, "nodesByCluster");
        if (!NAME.matcher(prefix).matches()) {
            throw new IllegalArgumentException("prefix must be a short lowercase name: " + prefix);
        }
        if (nodesByCluster.size() > 50) {
            throw new IllegalArgumentException("at most 50 clusters: " + nodesByCluster.size());
        }
        Dataplane d = new Dataplane(prefix);
        try {
            d.namespace(d.core);
            Shell.in(d.core, null, "ip", "link", "add", "br0", "type", "bridge");
            Shell.in(d.core, null, "ip", "link", "set", "br0", "up");
            int c = 0;
            for (Map.Entry<String, List<String>> cluster : nodesByCluster.entrySet()) {
                check("cluster", cluster.getKey());
                if (cluster.getValue().isEmpty() || cluster.getValue().size() > 200) {
                    throw new IllegalArgumentException("cluster " + cluster.getKey() + " needs 1 to 200 nodes");
                }
                int n = 0;
                for (String node : cluster.getValue()) {
                    check("node", node);
                    d.addNode(cluster.getKey(), node, c, n++);
                }
                c++;
            }
            d.route();
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private static void check(String what, String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " names must be short lowercase names: " + name);
        }
    }

    private void namespace(String name) {
        Shell.run(null, "ip", "netns", "add", name);
        made.add(name);
        Shell.in(name, null, "ip", "link", "set", "lo", "up");
    }

    private void addNode(String cluster, String name, int c, int n) {
        String netns = prefix + "-" + cluster + "-" + name;
        String podPrefix = "10." + (200 + c) + "." + (n + 1) + ".";
        String coreAddress = coreAddress(c, n);
        namespace(netns);
        String coreEnd = "n" + c + "-" + n;
        Shell.in(core, null, "ip", "link", "add", coreEnd, "type", "veth", "peer", "name", "core0", "netns", netns);
        Shell.in(core, null, "ip", "link", "set", coreEnd, "master", "br0");
        Shell.in(core, null, "ip", "link", "set", coreEnd, "up");
        Shell.in(netns, null, "ip", "addr", "add", coreAddress + "/16", "dev", "core0");
        Shell.in(netns, null, "ip", "link", "set", "core0", "up");
        Shell.in(netns, null, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        // every pod's gateway is a local address of its node: the node answers the pods' ARP for it on each veth
        Shell.in(netns, null, "ip", "addr", "add", GATEWAY + "/32", "dev", "lo");
        nodes.computeIfAbsent(cluster, k -> new LinkedHashMap<>())
                .put(name, new Node(cluster, name, netns, podPrefix, coreAddress));
        nextHost.put(netns, 10);
    }

    /** Each node reaches every other node's pods through the core. */
    private void route() {
        List<Node> all = new ArrayList<>();
        nodes.values().forEach(m -> all.addAll(m.values()));
        for (Node from : all) {
            for (Node to : all) {
                if (from != to) {
                    Shell.in(from.netns(), null, "ip", "route", "add", to.podPrefix() + "0/24", "via", to.coreAddress());
                }
            }
        }
    }

    /** The table {@link #translateEgress} loads in a node's namespace. */
    public static final String SNAT_TABLE = "reachproof-snat";

    /** The pod network of {@code c}-th cluster (in the order given): {@code 10.(200+c).0.0/16}. */
    public static String podCidr(int c) {
        return "10." + (200 + c) + ".0.0/16";
    }

    /** The address of node {@code n} (from 0) of the {@code c}-th cluster on the core: {@code 10.199.c.(n+1)}. */
    public static String coreAddress(int c, int n) {
        return "10.199." + c + "." + (n + 1);
    }

    /**
     * Makes {@code cluster}'s nodes translate its pods' traffic to other clusters (any destination outside its own pod
     * network) to the node's address on the core ({@code masquerade}, as a CNI with SNAT to the node IP does), in an
     * nftables table of their own ({@value #SNAT_TABLE}) beside the enforcer's; replies are translated back by
     * conntrack. Traffic between the cluster's own pods keeps its pod addresses. Returns the nodes' addresses as
     * {@code /32}s: the addresses the other clusters see this cluster's pods come from.
     */
    public synchronized List<String> translateEgress(String cluster) {
        Map<String, Node> byName = nodes.get(cluster);
        if (byName == null) {
            throw new IllegalArgumentException("no cluster " + cluster + " (clusters: " + nodes.keySet() + ")");
        }
        List<String> addresses = new ArrayList<>();
        for (Node n : byName.values()) {
            String own = n.podPrefix().substring(0, n.podPrefix().indexOf('.', 3)) + ".0.0/16";
            Shell.in(n.netns(), "table ip " + SNAT_TABLE + " {\n  chain postrouting {\n"
                    + "    type nat hook postrouting priority srcnat; policy accept;\n"
                    + "    oifname \"core0\" ip saddr " + own + " ip daddr != " + own + " masquerade\n  }\n}\n",
                    "nft", "-f", "-");
            addresses.add(n.coreAddress() + "/32");
        }
        return addresses;
    }

    /** The namespace name a pod of {@code cluster} gets: {@code {namespace}} and {@code {name}} filled in. */
    public static String podNetnsTemplate(String prefix, String cluster) {
        return prefix + "-" + cluster + "-{namespace}-{name}";
    }

    /** Adds pod {@code namespace/name} on {@code node} of {@code cluster}; its address is the node's next one. */
    public synchronized Pod addPod(String cluster, String node, String namespace, String name) {
        Node n = Optional.ofNullable(nodes.get(cluster)).map(m -> m.get(node)).orElseThrow(() ->
                new IllegalArgumentException("no node " + node + " in cluster " + cluster + " (nodes: " + nodes() + ")"));
        String key = cluster + "/" + namespace + "/" + name;
        if (pods.containsKey(key)) {
            throw new IllegalArgumentException("pod " + namespace + "/" + name + " is in cluster " + cluster + " already");
        }
        int host = nextHost.get(n.netns());
        if (host > 254) {
            throw new IllegalArgumentException("node " + node + " of cluster " + cluster + " is full (245 pods)");
        }
        nextHost.put(n.netns(), host + 1);
        String netns = podNetnsTemplate(prefix, cluster).replace("{namespace}", namespace).replace("{name}", name);
        String ip = n.podPrefix() + host;
        String nodeEnd = "p" + (nextVeth++);
        namespace(netns);
        Shell.in(n.netns(), null, "ip", "link", "add", nodeEnd, "type", "veth", "peer", "name", "eth0", "netns", netns);
        Shell.in(n.netns(), null, "ip", "link", "set", nodeEnd, "up");
        Shell.in(n.netns(), null, "ip", "route", "add", ip + "/32", "dev", nodeEnd);
        Shell.in(netns, null, "ip", "addr", "add", ip + "/32", "dev", "eth0");
        Shell.in(netns, null, "ip", "link", "set", "eth0", "up");
        Shell.in(netns, null, "ip", "route", "add", GATEWAY, "dev", "eth0", "scope", "link");
        Shell.in(netns, null, "ip", "route", "add", "default", "via", GATEWAY, "dev", "eth0");
        Pod pod = new Pod(cluster, node, namespace, name, ip, netns, n.netns(), nodeEnd);
        pods.put(key, pod);
        return pod;
    }

    /**
     * Removes pod {@code namespace/name} of {@code cluster}: its namespace goes, and with it its veth and the node's
     * route to it; its address is not given out again. False when there was no such pod.
     */
    public synchronized boolean removePod(String cluster, String namespace, String name) {
        Pod pod = pods.remove(cluster + "/" + namespace + "/" + name);
        if (pod == null) {
            return false;
        }
        made.remove(pod.netns());
        try {
            Shell.run(null, "ip", "netns", "delete", pod.netns());
        } catch (DataplaneException gone) {
            // deleted already
        }
        return true;
    }

    /** The nodes of every cluster, by cluster. */
    public synchronized Map<String, List<String>> nodes() {
        Map<String, List<String>> names = new LinkedHashMap<>();
        nodes.forEach((cluster, byName) -> names.put(cluster, List.copyOf(byName.keySet())));
        return names;
    }

    /** Pod {@code namespace/name} of {@code cluster}, when it was added. */
    public synchronized Optional<Pod> pod(String cluster, String namespace, String name) {
        return Optional.ofNullable(pods.get(cluster + "/" + namespace + "/" + name));
    }

    /** Where a pod of {@code cluster} is attached, as the enforcer needs it. */
    public Optional<NftRuleset.Attachment> attachment(String cluster, io.fabric8.kubernetes.api.model.Pod pod) {
        return pod(cluster, pod.getMetadata().getNamespace(), pod.getMetadata().getName())
                .map(p -> new NftRuleset.Attachment(p.nodeNetns(), p.nodeInterface()));
    }

    /** The pods added so far, in order. */
    public synchronized List<Pod> pods() {
        return List.copyOf(pods.values());
    }

    public String prefix() {
        return prefix;
    }

    /**
     * Deletes every network namespace whose name starts with {@code prefix + "-"} (what a crashed lab left);
     * returns their names.
     */
    public static List<String> removeLeftovers(String prefix) {
        List<String> removed = new ArrayList<>();
        for (String line : Shell.run(null, "ip", "netns", "list").split("\n")) {
            String name = line.strip().split(" ")[0];
            if (name.startsWith(prefix + "-")) {
                Shell.run(null, "ip", "netns", "delete", name);
                removed.add(name);
            }
        }
        return removed;
    }

    /** Deletes every namespace it made, pods first; what is gone already is skipped. */
    @Override
    public synchronized void close() {
        List<String> reversed = new ArrayList<>(made);
        Collections.reverse(reversed);
        for (String ns : reversed) {
            try {
                Shell.run(null, "ip", "netns", "delete", ns);
            } catch (DataplaneException gone) {
                // deleted already
            }
        }
        made.clear();
        pods.clear();
    }
}
