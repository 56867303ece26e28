package io.reachproof.agent.netns;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A "node" of real network namespaces: a node namespace with a bridge, and pods, each a network namespace with
 * a veth to that bridge and an address on a private /24 inside 10.214.0.0/16 (used only on this bridge). Names
 * carry a random tag so that parallel runs do not clash; {@link #close()} deletes every namespace it made (the
 * veths, bridge, addresses and rules go with them).
 */
final class LabNode implements AutoCloseable {

    private final String tag;
    private final String node;
    private final String prefix;
    private final Map<String, String> pods = new LinkedHashMap<>();
    private final List<String> made = new ArrayList<>();

    private LabNode(String tag, String prefix) {
        this.tag = tag;
        this.node = "rp-node-" + tag;
        this.prefix = prefix;
    }

    /** A node namespace with bridge {@code br0}; skips the calling test (with the reason) where that cannot be made. */
    static LabNode create() {
        NetnsTarget.assumeAvailable();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        LabNode n = new LabNode(Integer.toHexString(random.nextInt(0x100000, 0xFFFFFF)),
                "10.214." + random.nextInt(0, 256) + ".");
        try {
            NetnsTarget.run(null, "ip", "netns", "add", n.node);
            n.made.add(n.node);
            n.inNode("ip", "link", "set", "lo", "up");
            n.inNode("ip", "link", "add", "br0", "type", "bridge");
            n.inNode("ip", "link", "set", "br0", "up");
            return n;
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
    }

    /** A pod {@code name}: its namespace ({@code /run/netns/rp-pod-TAG-NAME}) with address {@code .index} on the bridge. */
    String addPod(String name, int index) {
        String ns = "rp-pod-" + tag + "-" + name;
        String address = prefix + index;
        String hostEnd = "v" + tag + index;
        NetnsTarget.run(null, "ip", "netns", "add", ns);
        made.add(ns);
        inNode("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", "eth0", "netns", ns);
        inNode("ip", "link", "set", hostEnd, "master", "br0");
        inNode("ip", "link", "set", hostEnd, "up");
        in(ns, null, "ip", "addr", "add", address + "/24", "dev", "eth0");
        in(ns, null, "ip", "link", "set", "eth0", "up");
        in(ns, null, "ip", "link", "set", "lo", "up");
        pods.put(name, ns);
        return address;
    }

    /**
     * Joins this process's own (host) namespace to the bridge through a veth, with address {@code .index}: the
     * host then reaches the pods across one veth and the bridge, as each pod does.
     */
    String joinHost(int index) {
        String hostEnd = "rph" + tag;
        String address = prefix + index;
        NetnsTarget.run(null, "ip", "link", "add", hostEnd, "type", "veth", "peer", "name", "rpb" + tag, "netns", node);
        inNode("ip", "link", "set", "rpb" + tag, "master", "br0");
        inNode("ip", "link", "set", "rpb" + tag, "up");
        NetnsTarget.run(null, "ip", "addr", "add", address + "/24", "dev", hostEnd);
        NetnsTarget.run(null, "ip", "link", "set", hostEnd, "up");
        return address;
    }

    /** The namespace name of pod {@code name} (under /run/netns). */
    String namespaceOf(String name) {
        return pods.get(name);
    }

    /** Loads nft statements into a chain {@code hook} (input or output) of pod {@code name}. */
    void rules(String name, String hook, String... statements) {
        StringBuilder ruleset = new StringBuilder("table inet reachproof_it {\n  chain " + hook + " {\n    type filter hook "
                + hook + " priority 0; policy accept;\n");
        for (String s : statements) {
            ruleset.append("    ").append(s).append('\n');
        }
        ruleset.append("  }\n}\n");
        in(pods.get(name), ruleset.toString(), "nft", "-f", "-");
    }

    /** The packets counted by the rule with {@code comment "RULE"} (and a counter) in pod {@code name}. */
    long counted(String name, String rule) {
        String listing = in(pods.get(name), null, "nft", "list", "table", "inet", "reachproof_it");
        for (String line : listing.split("\n")) {
            if (line.contains("comment \"" + rule + "\"")) {
                String after = line.substring(line.indexOf("packets ") + "packets ".length());
                return Long.parseLong(after.substring(0, after.indexOf(' ')));
            }
        }
        throw new IllegalStateException("no rule with comment " + rule + " in:\n" + listing);
    }

    private void inNode(String... command) {
        in(node, null, command);
    }

    private static String in(String ns, String stdin, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return NetnsTarget.run(stdin, full.toArray(new String[0]));
    }

    @Override
    public void close() {
        for (int i = made.size() - 1; i >= 0; i--) {
            try {
                NetnsTarget.run(null, "ip", "netns", "delete", made.get(i));
            } catch (RuntimeException e) {
                // gone already
            }
        }
        made.clear();
    }
}
