package io.reachproof.cli.dataplane;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.reachproof.agent.netns.NamedNetns;
import io.reachproof.agent.netns.NetnsUnavailable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet and CNI of a lab cluster's nodes, for pods made through the cluster's API ({@code kubectl run}, a
 * test, {@code reachproof conformance} against the cluster's kubeconfig): a pod bound to one of its nodes
 * ({@code spec.nodeName}) and without an address gets what a node would give it, and nothing more:
 * <ul>
 *   <li>a network namespace on that node with the node's next address ({@link Dataplane#addPod});</li>
 *   <li>a sandbox process living in that namespace, named {@code /pause}, in a cgroup shaped as kubelet's
 *       cgroupfs driver makes them ({@code .../kubepods/besteffort/pod<UID>}), so that a node agent reading
 *       {@code /proc} finds the pod by its UID as it would on a real node;</li>
 *   <li>status {@code Running} with its {@code podIP}.</li>
 * </ul>
 * The pod's containers are not run: nothing in the pod listens until something serves its ports. A deleted pod loses
 * its process, cgroup and namespace. Pods the lab made itself (they have their address already) are left alone.
 */
public final class LabKubelet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LabKubelet.class);

    private final KubernetesClient client;
    private final Dataplane dataplane;
    private final String cluster;
    private final Set<String> nodes;
    private final Path cgroupRoot;
    private final ExecutorService worker;
    private final Map<String, Sandbox> sandboxes = new HashMap<>();
    private SharedIndexInformer<Pod> informer;

    private record Sandbox(String namespace, String name, Process process, Path cgroup) {
    }

    private LabKubelet(KubernetesClient client, Dataplane dataplane, String cluster, Set<String> nodes, Path cgroupRoot) {
        this.client = client;
        this.dataplane = dataplane;
        this.cluster = cluster;
        this.nodes = Set.copyOf(nodes);
        this.cgroupRoot = cgroupRoot;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "reachproof-lab-kubelet-" + cluster);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the kubelet of {@code nodes} of {@code cluster} (its API: {@code client}); its cgroups go under a folder
     * named after the dataplane's prefix, which {@link #removeLeftovers} empties after a crash.
     */
    public static LabKubelet start(KubernetesClient client, Dataplane dataplane, String cluster, Set<String> nodes) {
        requireNonNull(client, "client");
        requireNonNull(dataplane, "dataplane");
        requireNonNull(cluster, "cluster");
        Path root = hierarchy().orElseThrow(() -> new DataplaneException("the lab kubelet needs a writable cgroup"
                + " hierarchy (/sys/fs/cgroup/unified, /sys/fs/cgroup or /sys/fs/cgroup/pids) to put pods' sandboxes in"))
                .resolve(folder(dataplane.prefix()));
        LabKubelet kubelet = new LabKubelet(client, dataplane, cluster, nodes, root);
        kubelet.informer = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                kubelet.later(() -> kubelet.run(pod));
            }

            @Override
            public void onUpdate(Pod before, Pod pod) {
                kubelet.later(() -> kubelet.run(pod));
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                kubelet.later(() -> kubelet.stop(pod.getMetadata().getNamespace(), pod.getMetadata().getName()));
            }
        }, 0);
        return kubelet;
    }

    private static String folder(String prefix) {
        return prefix + "-kubelet";
    }

    /** The cgroup hierarchy sandboxes go in: cgroup v2 (hybrid or unified), else v1's pids controller. */
    private static Optional<Path> hierarchy() {
        return Stream.of("/sys/fs/cgroup/unified", "/sys/fs/cgroup", "/sys/fs/cgroup/pids").map(Path::of)
                .filter(p -> Files.isRegularFile(p.resolve("cgroup.procs")) && Files.isWritable(p)).findFirst();
    }

    /** Kills the sandboxes a lab of {@code prefix} left (it was killed) and removes their cgroups; returns how many. */
    public static int removeLeftovers(String prefix) {
        Optional<Path> root = hierarchy().map(h -> h.resolve(folder(prefix)));
        if (root.isEmpty() || !Files.isDirectory(root.get())) {
            return 0;
        }
        int killed = 0;
        List<Path> dirs;
        try (Stream<Path> walk = Files.walk(root.get())) {
            dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
        } catch (IOException e) {
            LOG.warn("cannot read the lab kubelet's cgroups under {}: {}", root.get(), e.toString());
            return 0;
        }
        for (Path dir : dirs) {
            try {
                for (String pid : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
                        killed++;
                    }
                }
                removeWhenEmpty(dir);
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot remove the lab kubelet's cgroup {}: {}", dir, e.toString());
            }
        }
        return killed;
    }

    private void later(Runnable step) {
        try {
            worker.execute(() -> {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    LOG.warn("lab kubelet of cluster {}: {}", cluster, e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // closed
        }
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    /** Gives {@code pod} its sandbox when it is bound to one of these nodes and has none yet. */
    private void run(Pod pod) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        boolean addressed = pod.getStatus() != null && pod.getStatus().getPodIP() != null
                && !pod.getStatus().getPodIP().isEmpty();
        if (node == null || !nodes.contains(node) || addressed || pod.getMetadata().getDeletionTimestamp() != null
                || sandboxes.containsKey(key(ns, name))) {
            return;
        }
        Dataplane.Pod made = dataplane.addPod(cluster, node, ns, name);
        Sandbox sandbox;
        try {
            sandbox = sandbox(made, pod.getMetadata().getUid());
        } catch (RuntimeException e) {
            dataplane.removePod(cluster, ns, name);
            throw e;
        }
        sandboxes.put(key(ns, name), sandbox);
        try {
            client.pods().inNamespace(ns).withName(name).edit(p -> {
                p.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder(p.getStatus())
                        .withPhase("Running").withPodIP(made.ip()).withPodIPs(new PodIPBuilder().withIp(made.ip()).build())
                        .withStartTime(Instant.now().toString()).build());
                return p;
            });
        } catch (KubernetesClientException e) {
            LOG.warn("lab kubelet of cluster {}: cannot set the status of pod {}/{}: {}", cluster, ns, name,
                    e.getMessage());
        }
    }

    /** The pod's sandbox: {@code /pause} living in its namespace, in the pod's kubelet-shaped cgroup. */
    private Sandbox sandbox(Dataplane.Pod pod, String uid) {
        if (uid == null || uid.isBlank()) {
            throw new DataplaneException("pod " + pod.namespace() + "/" + pod.name() + " has no uid");
        }
        Path cgroup = cgroupRoot.resolve("kubepods").resolve("besteffort").resolve("pod" + uid);
        Process process = null;
        try {
            Files.createDirectories(cgroup);
            process = new ProcessBuilder("ip", "netns", "exec", pod.netns(), "bash", "-c", "exec -a /pause sleep infinity")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long want = NamedNetns.resolve(pod.netns()).inode();
            Path net = Path.of("/proc/" + process.pid() + "/ns/net");
            for (int i = 0; i < 250 && !inNamespace(net, want); i++) {
                Thread.sleep(20); // ip has not entered the namespace yet
            }
            if (!inNamespace(net, want)) {
                throw new DataplaneException("the sandbox of pod " + pod.namespace() + "/" + pod.name()
                        + " did not enter its network namespace " + pod.netns());
            }
            Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(process.pid()));
            return new Sandbox(pod.namespace(), pod.name(), process, cgroup);
        } catch (IOException | NetnsUnavailable e) {
            kill(process, cgroup);
            throw new DataplaneException("cannot start the sandbox of pod " + pod.namespace() + "/" + pod.name() + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process, cgroup);
            throw new DataplaneException("interrupted starting the sandbox of pod " + pod.namespace() + "/" + pod.name());
        } catch (RuntimeException e) {
            kill(process, cgroup);
            throw e;
        }
    }

    private static boolean inNamespace(Path net, long inode) {
        try {
            return NamedNetns.of(net).inode() == inode;
        } catch (NetnsUnavailable e) {
            return false;
        }
    }

    private void stop(String namespace, String name) {
        Sandbox s = sandboxes.remove(key(namespace, name));
        if (s != null) {
            kill(s.process(), s.cgroup());
            dataplane.removePod(cluster, namespace, name);
        }
    }

    private static void kill(Process process, Path cgroup) {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        removeWhenEmpty(cgroup);
    }

    /** Removes {@code dir} (a cgroup) once the kernel has seen its last process leave; a few tries. */
    private static void removeWhenEmpty(Path dir) {
        for (int i = 0; i < 50 && Files.isDirectory(dir); i++) {
            try {
                Files.delete(dir);
            } catch (IOException busy) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The pods that have a sandbox now. */
    public int running() {
        try {
            return worker.submit(sandboxes::size).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the lab kubelet does not answer: " + e, e);
        }
    }

    /** Stops watching, then kills every sandbox and removes its cgroups (the dataplane removes the namespaces). */
    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        worker.shutdown();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Sandbox s : new ArrayList<>(sandboxes.values())) {
            kill(s.process(), s.cgroup());
        }
        sandboxes.clear();
        for (Path dir : List.of(cgroupRoot.resolve("kubepods").resolve("besteffort"), cgroupRoot.resolve("kubepods"),
                cgroupRoot)) {
            removeWhenEmpty(dir);
        }
    }
}
