package io.reachproof.agent.netns;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A target host in its own network namespace, joined to the root namespace by a veth pair on a private
 * /30 inside 10.213.0.0/16 (used only on this pair: traffic never leaves it). The prober runs in the root
 * namespace on {@code 10.213.N.1}; the target is {@link #address()} ({@code 10.213.N.2}), whose nftables
 * input chain the test fills. {@link #close()} deletes the namespace (which removes the veth pair, the
 * addresses and the rules).
 */
final class NetnsTarget implements AutoCloseable {

    private final String namespace;
    private final String hostVeth;
    private final String address;
    private final List<String> cleanup = new ArrayList<>();

    private NetnsTarget(String namespace, String hostVeth, String address) {
        this.namespace = namespace;
        this.hostVeth = hostVeth;
        this.address = address;
    }

    /** Skips the calling test, with the reason, where namespaces cannot be made. */
    static void assumeAvailable() {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root to create network namespaces (running as " + System.getProperty("user.name") + ")");
        assumeTrue(onPath("ip"), "needs the ip command (Debian package iproute2)");
        assumeTrue(onPath("nft"), "needs the nft command (Debian package nftables)");
    }

    /** Creates the namespace and the veth pair, and loads {@code rules} (nft statements) into its input chain. */
    static NetnsTarget create(String... rules) {
        assumeAvailable();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int subnet = random.nextInt(0, 64 * 256);
        String tag = Integer.toHexString(random.nextInt(0x100000, 0xFFFFFF));
        String base = "10.213." + (subnet / 64) + "." + (subnet % 64) * 4;
        String prefix = base.substring(0, base.lastIndexOf('.') + 1);
        int last = Integer.parseInt(base.substring(base.lastIndexOf('.') + 1));
        String hostAddress = prefix + (last + 1);
        String targetAddress = prefix + (last + 2);
        NetnsTarget t = new NetnsTarget("rp-it-" + tag, "rp" + tag + "h", targetAddress);
        try {
            run(null, "ip", "netns", "add", t.namespace);
            t.cleanup.add(t.namespace);
            run(null, "ip", "link", "add", t.hostVeth, "type", "veth", "peer", "name", "rp" + tag + "t", "netns", t.namespace);
            run(null, "ip", "addr", "add", hostAddress + "/30", "dev", t.hostVeth);
            run(null, "ip", "link", "set", t.hostVeth, "up");
            t.exec(null, "ip", "addr", "add", targetAddress + "/30", "dev", "rp" + tag + "t");
            t.exec(null, "ip", "link", "set", "rp" + tag + "t", "up");
            t.exec(null, "ip", "link", "set", "lo", "up");
            StringBuilder ruleset = new StringBuilder("table inet reachproof_it {\n")
                    .append("  chain input {\n    type filter hook input priority 0; policy accept;\n");
            for (String rule : rules) {
                ruleset.append("    ").append(rule).append('\n');
            }
            ruleset.append("  }\n}\n");
            t.exec(ruleset.toString(), "nft", "-f", "-");
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    String address() {
        return address;
    }

    /** The packets counted by the rule with {@code comment "NAME"} and a {@code counter}. */
    long counted(String name) {
        String listing = exec(null, "nft", "list", "table", "inet", "reachproof_it");
        for (String line : listing.split("\n")) {
            if (line.contains("comment \"" + name + "\"")) {
                String after = line.substring(line.indexOf("packets ") + "packets ".length());
                return Long.parseLong(after.substring(0, after.indexOf(' ')));
            }
        }
        throw new IllegalStateException("no rule with comment " + name + " in:\n" + listing);
    }

    String exec(String stdin, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        return run(stdin, full.toArray(new String[0]));
    }

    @Override
    public void close() {
        for (String ns : cleanup) {
            try {
                run(null, "ip", "netns", "delete", ns);
            } catch (RuntimeException e) {
                // the veth pair goes with the namespace; nothing else is left behind
            }
        }
        cleanup.clear();
    }

    private static boolean onPath(String command) {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    static String run(String stdin, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            String output;
            try (InputStream in = p.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 10 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + " interrupted", e);
        }
    }
}
