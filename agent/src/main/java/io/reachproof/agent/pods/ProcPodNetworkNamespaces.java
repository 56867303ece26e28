package io.reachproof.agent.pods;

import static java.util.Objects.requireNonNull;

import io.reachproof.agent.netns.NetnsRef;
import io.reachproof.agent.netns.PodNetworkNamespaces;
import io.reachproof.protocol.PodRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a pod's network namespace on a Kubernetes node from {@code /proc} (the agent runs with {@code hostPID}):
 * the processes whose cgroup path names the pod's UID, in the forms kubelet gives them (cgroup v1 and v2,
 * cgroupfs {@code .../kubepods/burstable/pod<uid>/...} and systemd
 * {@code .../kubepods-burstable-pod<uid_with_underscores>.slice/...}). Of those it takes the pod's sandbox: the
 * pause process when there is one, else the oldest process of the pod; its {@code /proc/PID/ns/net} is the pod's
 * namespace, known by its inode. Only {@code /proc/PID/cgroup}, {@code cmdline} and {@code stat} are read: kernel
 * bookkeeping of the process, nothing inside the pod.
 *
 * <p>A found namespace is remembered per UID and checked again (its process still there, same inode) on every
 * lookup: a pod whose sandbox was replaced is scanned for again and gets its new namespace.
 */
public final class ProcPodNetworkNamespaces implements PodNetworkNamespaces {

    private final Path proc;
    private final Map<String, Found> byUid = new ConcurrentHashMap<>();

    private record Found(long pid, NetnsRef namespace) {
    }

    /** @param proc the proc file system of the node's PID namespace ({@code /proc} with hostPID) */
    public ProcPodNetworkNamespaces(Path proc) {
        this.proc = requireNonNull(proc, "proc");
    }

    @Override
    public Optional<NetnsRef> find(PodRef pod) {
        Found known = byUid.get(pod.uid());
        if (known != null && still(known)) {
            return Optional.of(known.namespace());
        }
        Optional<Found> found = scan(pod.uid());
        found.ifPresentOrElse(f -> byUid.put(pod.uid(), f), () -> byUid.remove(pod.uid()));
        return found.map(Found::namespace);
    }

    private boolean still(Found known) {
        return inode(proc.resolve(Long.toString(known.pid())).resolve("ns/net"))
                .map(i -> i == known.namespace().inode()).orElse(false);
    }

    private Optional<Found> scan(String uid) {
        String cgroupfs = "pod" + uid;
        String systemd = "pod" + uid.replace('-', '_') + ".slice";
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> isPid(p.getFileName().toString()))) {
            for (Path dir : dirs) {
                String cgroups = read(dir.resolve("cgroup"));
                if (cgroups != null && belongs(cgroups, cgroupfs, systemd)) {
                    pids.add(Long.parseLong(dir.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        Long sandbox = null;
        long oldest = Long.MAX_VALUE;
        for (long pid : pids) {
            Path dir = proc.resolve(Long.toString(pid));
            String cmdline = read(dir.resolve("cmdline"));
            if (cmdline != null && isPause(cmdline)) {
                sandbox = pid;
                break;
            }
            long started = startTime(dir);
            if (started < oldest) {
                oldest = started;
                sandbox = pid;
            }
        }
        if (sandbox == null) {
            return Optional.empty();
        }
        Path net = proc.resolve(Long.toString(sandbox)).resolve("ns/net");
        long pid = sandbox;
        return inode(net).map(inode -> new Found(pid, new NetnsRef(net, inode)));
    }

    /** Whether a {@code /proc/PID/cgroup} text puts the process in the pod (any hierarchy, either driver). */
    static boolean belongs(String cgroups, String cgroupfsSegment, String systemdSuffix) {
        for (String line : cgroups.split("\n")) {
            int colon = line.indexOf(':', line.indexOf(':') + 1);
            String path = colon < 0 ? line : line.substring(colon + 1);
            for (String segment : path.split("/")) {
                if (segment.equals(cgroupfsSegment) || (segment.startsWith("kubepods") && segment.endsWith(systemdSuffix))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isPause(String cmdline) {
        String first = cmdline.split("\0", 2)[0];
        return first.equals("/pause") || first.endsWith("/pause");
    }

    private static long startTime(Path dir) {
        String stat = read(dir.resolve("stat"));
        if (stat == null) {
            return Long.MAX_VALUE;
        }
        // fields after the command (which may hold spaces) begin after the last ')': field 22 is starttime
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        try {
            return Long.parseLong(rest[19]);
        } catch (RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }

    private static boolean isPid(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            return null; // the process ended meanwhile, or is not ours to read
        }
    }

    private static Optional<Long> inode(Path nsFile) {
        try {
            return Optional.of(((Number) Files.getAttribute(nsFile, "unix:ino")).longValue());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
