package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.reachproof.agent.netns.NamedNetns;
import io.reachproof.agent.netns.NetnsThread;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code reachproof probe --netns} on a real network namespace: a listener that exists only inside the namespace
 * (on its own loopback) answers probes sent with {@code --netns}, by name or by path, and is not there for the same
 * probe sent from this process's namespace.
 */
class ProbeNetnsIT {

    private static final String NAME = "rp-cli-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    private static final String ADDRESS = "127." + ThreadLocalRandom.current().nextInt(200, 250) + "."
            + ThreadLocalRandom.current().nextInt(0, 256) + "." + ThreadLocalRandom.current().nextInt(1, 255);
    private static ServerSocket inside;
    private static Thread acceptor;
    private static boolean made;

    private final CliRun cli = new CliRun();

    @BeforeAll
    static void namespaceWithAListener() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "makes and enters a network namespace: needs root (CAP_SYS_ADMIN)");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))
                || Files.isExecutable(Path.of("/usr/bin/ip")), "needs the ip command (Debian package iproute2)");
        ip("netns", "add", NAME);
        made = true;
        ip("netns", "exec", NAME, "ip", "link", "set", "lo", "up");
        try (NetnsThread thread = NetnsThread.enter(NamedNetns.resolve(NAME))) {
            inside = thread.make(() -> {
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress(ADDRESS, 7001));
                return s;
            });
        }
        acceptor = new Thread(() -> {
            while (!inside.isClosed()) {
                try (Socket accepted = inside.accept()) {
                    accepted.getInputStream().available();
                } catch (IOException closed) {
                    // closed at the end of the test
                }
            }
        }, "accept-in-" + NAME);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterAll
    static void removeNamespace() throws Exception {
        if (inside != null) {
            inside.close();
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        }
        if (made) {
            ip("netns", "delete", NAME);
        }
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "ip";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + output);
        }
    }

    @Test
    void probesWithNetnsLeaveFromThatNamespaceByNameOrPathWithTheUsualOutput() {
        int byName = cli.run("probe", "--netns", NAME, "tcp://" + ADDRESS + ":7001");
        int byPath = cli.run("probe", "--netns", "/run/netns/" + NAME, "tcp://" + ADDRESS + ":7001");

        assertThat(byName).isZero();
        assertThat(byPath).isZero();
        String[] lines = cli.out().split("\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[0]).startsWith("tcp://" + ADDRESS + ":7001").contains("CONNECTED").contains("attempts=1");
        assertThat(lines[1]).matches("1 probes in \\d+\\.\\d{3} s \\(\\d+/s\\): CONNECTED 1");
        assertThat(lines[2]).startsWith("tcp://" + ADDRESS + ":7001").contains("CONNECTED");
        assertThat(cli.err()).isEmpty();
    }

    @Test
    void theSameProbeFromThisProcesssNamespaceFindsNoListener() {
        int code = cli.run("probe", "--timeout", "1s", "tcp://" + ADDRESS + ":7001");

        assertThat(code).isZero();
        assertThat(cli.out()).contains("REFUSED").doesNotContain("CONNECTED");
    }

    @Test
    void aPathThatIsNoNetworkNamespaceIsOneLineNamingItAndExitTwo() {
        int code = cli.run("probe", "--netns", "/proc/self/status", "tcp://" + ADDRESS + ":7001");

        assertThat(code).isEqualTo(2);
        assertThat(cli.err()).isEqualTo("reachproof probe: --netns /proc/self/status: cannot enter network namespace"
                + " /proc/self/status: invalid argument (not a network namespace)\n");
        assertThat(cli.out()).isEmpty();
    }
}
