package io.reachproof.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.reachproof.agent.netns.NamedNetns;
import io.reachproof.agent.netns.NetnsRef;
import io.reachproof.protocol.PodRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The /proc resolver against real processes in network namespaces made here, put into cgroups shaped like
 * kubelet's: a systemd-driver path in the cgroup v2 hierarchy and a cgroupfs-driver path in a cgroup v1 one.
 */
class ProcPodNetworkNamespacesIT {

    private static final Path V2 = Path.of("/sys/fs/cgroup/unified");
    private static final Path V1 = Path.of("/sys/fs/cgroup/pids");

    private final String tag = Integer.toHexString((int) (Math.random() * 0xFFFFFF));
    private final List<Process> processes = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<Path> cgroups = new ArrayList<>();
    private final ProcPodNetworkNamespaces resolver = new ProcPodNetworkNamespaces(Path.of("/proc"));

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        for (int i = cgroups.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(cgroups.get(i));
        }
        for (String ns : namespaces) {
            new ProcessBuilder("ip", "netns", "delete", ns).start().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void assumeRootAnd(Path hierarchy) {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to make namespaces and cgroups");
        assumeTrue(Files.isRegularFile(hierarchy.resolve("cgroup.procs")), "needs a cgroup hierarchy at " + hierarchy);
    }

    /** A process living in a new network namespace; returns the namespace's name. */
    private Process sleeperIn(String ns) throws Exception {
        run("ip", "netns", "add", ns);
        namespaces.add(ns);
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "sleep", "600").start();
        processes.add(p);
        Path net = Path.of("/proc/" + p.pid() + "/ns/net");
        long want = NamedNetns.resolve(ns).inode();
        for (int i = 0; i < 100 && NamedNetns.of(net).inode() != want; i++) {
            Thread.sleep(20); // ip has not entered the namespace and exec'd sleep yet
        }
        return p;
    }

    private Path cgroup(Path hierarchy, String... segments) throws Exception {
        Path dir = hierarchy;
        for (String s : segments) {
            dir = dir.resolve(s);
            if (!Files.isDirectory(dir)) {
                Files.createDirectory(dir);
                cgroups.add(dir);
            }
        }
        return dir;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + new String(p.getInputStream().readAllBytes()))
                .isZero();
    }

    @Test
    void findsAPodOfTheSystemdDriverInCgroupV2AndNoticesWhenItsSandboxIsReplaced() throws Exception {
        assumeRootAnd(V2);
        String uid = UUID.randomUUID().toString();
        PodRef pod = new PodRef("shop", "checkout-" + tag, uid, "10.0.0.9");
        Path scope = cgroup(V2, "kubepods.slice", "kubepods-burstable.slice",
                "kubepods-burstable-pod" + uid.replace('-', '_') + ".slice", "cri-containerd-" + tag + ".scope");
        Process first = sleeperIn("rp-pod-" + tag + "-a");
        Files.writeString(scope.resolve("cgroup.procs"), Long.toString(first.pid()));

        Optional<NetnsRef> found = resolver.find(pod);

        assertThat(found).isPresent();
        assertThat(found.get().inode()).isEqualTo(NamedNetns.resolve("rp-pod-" + tag + "-a").inode());
        assertThat(found.get().path()).isEqualTo(Path.of("/proc/" + first.pid() + "/ns/net"));

        first.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        Process second = sleeperIn("rp-pod-" + tag + "-b");
        Files.writeString(scope.resolve("cgroup.procs"), Long.toString(second.pid()));

        long replaced = NamedNetns.resolve("rp-pod-" + tag + "-b").inode();
        assertThat(resolver.find(pod)).as("the replaced sandbox's namespace")
                .hasValueSatisfying(n -> assertThat(n.inode()).isEqualTo(replaced));
        assertThat(resolver.find(new PodRef("shop", "other", UUID.randomUUID().toString(), "10.0.0.8"))).isEmpty();
    }

    @Test
    void findsAPodOfTheCgroupfsDriverInCgroupV1() throws Exception {
        assumeRootAnd(V1);
        String uid = UUID.randomUUID().toString();
        Path container = cgroup(V1, "kubepods", "besteffort", "pod" + uid, "ctr" + tag);
        Process p = sleeperIn("rp-pod-" + tag + "-c");
        Files.writeString(container.resolve("cgroup.procs"), Long.toString(p.pid()));

        long expected = NamedNetns.resolve("rp-pod-" + tag + "-c").inode();
        assertThat(resolver.find(new PodRef("payments", "payments-0", uid, "10.0.0.7")))
                .hasValueSatisfying(n -> assertThat(n.inode()).isEqualTo(expected));
    }
}
