package io.reachproof.cli.conformance;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.reachproof.agent.Transport;
import io.reachproof.agent.netns.NetnsRef;
import io.reachproof.agent.netns.NetnsSockets;
import io.reachproof.agent.netns.PodNetworkNamespaces;
import io.reachproof.agent.probe.Prober;
import io.reachproof.agent.probe.SocketPlacement;
import io.reachproof.cli.conformance.ConformanceSuite.SuitePod;
import io.reachproof.cli.dataplane.PodApps;
import io.reachproof.coordinator.assembly.StartedParts;
import io.reachproof.protocol.PodRef;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real cluster, visited: the suite's namespaces are made as scratch namespaces {@code PREFIX-NAME}, labelled
 * {@value #RUN_LABEL}{@code =PREFIX}; its pods (a pause image, the suite's ports declared, pinned to this runner's node)
 * are made there; once each runs, the runner finds its network namespace in {@code /proc} by the pod's UID (as a node
 * agent in workload mode does), opens the suite's ports inside it, and probes from the source pods' own namespaces.
 * Nothing outside the scratch namespaces is read or written but the namespaces' names (to refuse one that exists), and
 * {@link #close()} deletes exactly the scratch namespaces it created, also when the JVM is stopped (Ctrl-C).
 */
public final class KubernetesSuiteCluster implements SuiteCluster {

    /** The label every scratch namespace carries, with the run's prefix as value. */
    public static final String RUN_LABEL = "reachproof.io/conformance-run";
    /** The image of the suite's pods when none is given: the pause container, which only holds the pod's namespaces. */
    public static final String DEFAULT_POD_IMAGE = "registry.k8s.io/pause:3.10";

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesSuiteCluster.class);
    private static final long POLL_MILLIS = 200;

    /**
     * What to visit: the cluster's name (for the report), its API, the node whose pods this runner can enter, the
     * suite pods' image, the scratch namespaces' prefix, how pods' namespaces are found on this node, and how long a
     * pod may take to run.
     */
    public record Settings(String cluster, KubernetesClient client, String node, String podImage, String prefix,
            PodNetworkNamespaces namespaces, Duration podTimeout, Duration deleteTimeout) {
        public Settings {
            requireNonNull(cluster, "cluster");
            requireNonNull(client, "client");
            requireNonNull(node, "node");
            requireNonNull(podImage, "podImage");
            requireNonNull(prefix, "prefix");
            requireNonNull(namespaces, "namespaces");
            requireNonNull(podTimeout, "podTimeout");
            requireNonNull(deleteTimeout, "deleteTimeout");
        }
    }

    private final Settings settings;
    private final KubernetesClient client;
    private final List<String> created = new ArrayList<>();
    private final PodApps apps = new PodApps();
    private final NetnsSockets sockets = new NetnsSockets(Clock.systemUTC(), Duration.ofMinutes(10));
    private final Prober prober;
    private final Thread onExit;
    private boolean closed;
    private boolean stopping;

    KubernetesSuiteCluster(Settings settings) {
        this.settings = settings;
        this.client = settings.client();
        this.prober = new Prober("conformance", 64, 1, Transport.detect(), Clock.systemUTC()).placeSocketsWith(
                SocketPlacement.fromSourcePod(settings.namespaces(), sockets));
        this.onExit = new Thread(this::deleteNamespaces, "reachproof-conformance-cleanup");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    @Override
    public ConformanceReport.Subject subject() {
        return ConformanceReport.Subject.real(settings.cluster(), settings.node(), settings.prefix());
    }

    @Override
    public Optional<String> noOutsideHosts() {
        return Optional.of("needs hosts outside the cluster to probe from; a run in a real cluster has none (its node"
                + " is no such host: most CNIs let a node reach its own pods whatever the policies say)");
    }

    @Override
    public Optional<String> outsideCidr() {
        return Optional.empty();
    }

    /**
     * Why {@code prefix} cannot start the scratch namespaces' names (each {@code PREFIX-NAME} must be a DNS label of
     * at most 63 characters), or empty.
     */
    public static Optional<String> prefixProblem(String prefix) {
        int longest = ConformanceSuite.namespaces(false).keySet().stream().mapToInt(String::length).max().orElse(0);
        if (!prefix.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
            return Optional.of("not a DNS label: lower-case letters, digits and '-', starting and ending with a letter"
                    + " or digit");
        }
        if (prefix.length() + 1 + longest > 63) {
            return Optional.of("too long: the scratch namespaces' names would pass 63 characters (at most "
                    + (62 - longest) + " for the prefix)");
        }
        return Optional.empty();
    }

    /**
     * The scratch namespaces earlier runs left in the cluster (a run killed outright cannot delete its own), by
     * name: what an operator should delete.
     */
    public static List<String> leftovers(KubernetesClient client) {
        return client.namespaces().withLabel(RUN_LABEL).list().getItems().stream().map(n -> n.getMetadata().getName())
                .sorted().toList();
    }

    /** The scratch namespace of suite namespace {@code suite}. */
    String namespaceOf(String suite) {
        return settings.prefix() + "-" + suite;
    }

    @Override
    public Map<String, PodRef> create(Map<String, Map<String, String>> namespaces, List<SuitePod> pods) {
        namespaces.forEach(this::namespace);
        for (SuitePod p : pods) {
            if (!p.managed()) {
                throw new IllegalArgumentException("a real cluster has no hosts outside it: " + p.key());
            }
            createPod(p);
        }
        Map<String, PodRef> refs = new LinkedHashMap<>();
        long deadline = System.nanoTime() + settings.podTimeout().toNanos();
        for (SuitePod p : pods) {
            refs.put(p.key(), serve(p, awaitRunning(p, deadline), deadline));
        }
        return refs;
    }

    /** Creates one scratch namespace; none once the run is stopping (what exists then is being deleted). */
    private synchronized void namespace(String suite, Map<String, String> labels) {
        if (stopping) {
            throw new ConformanceSetupException("stopped");
        }
        String name = namespaceOf(suite);
        Map<String, String> all = new LinkedHashMap<>(labels);
        all.put(RUN_LABEL, settings.prefix());
        all.put("app.kubernetes.io/managed-by", "reachproof");
        try {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(all)
                    .endMetadata().build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                throw new ConformanceSetupException("namespace " + name + " exists already: the suite runs only in"
                        + " namespaces it creates (choose another --namespace-prefix)");
            }
            throw e;
        }
        created.add(name);
    }

    private Pod podObject(SuitePod p) {
        Map<String, String> labels = new LinkedHashMap<>(p.labels());
        labels.put(RUN_LABEL, settings.prefix());
        return new PodBuilder().withNewMetadata().withNamespace(namespaceOf(p.namespace())).withName(p.name())
                .withLabels(labels).endMetadata()
                .withNewSpec().withNodeName(settings.node()).withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false).withTerminationGracePeriodSeconds(0L)
                // pinned to this runner's node, whatever its taints: the runner can enter only the pods of its node
                .addNewToleration().withOperator("Exists").endToleration()
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(65535L).withNewSeccompProfile()
                .withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .addNewContainer().withName("pod").withImage(settings.podImage())
                .withPorts(ConformanceSuite.containerPorts())
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                .withNewResources().addToRequests("cpu", new Quantity("5m")).addToRequests("memory", new Quantity("8Mi"))
                .addToLimits("memory", new Quantity("32Mi")).endResources()
                .endContainer().endSpec().build();
    }

    private void createPod(SuitePod p) {
        client.pods().inNamespace(namespaceOf(p.namespace())).resource(podObject(p)).create();
    }

    /** Waits until {@code p} runs with an address; a pod that does not by {@code deadline} fails the run, saying why. */
    private Pod awaitRunning(SuitePod p, long deadline) {
        String ns = namespaceOf(p.namespace());
        Pod pod = null;
        while (System.nanoTime() < deadline) {
            pod = client.pods().inNamespace(ns).withName(p.name()).get();
            if (pod != null && pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())
                    && pod.getStatus().getPodIP() != null && !pod.getStatus().getPodIP().isEmpty()) {
                return pod;
            }
            if (hopeless(pod)) {
                throw new ConformanceSetupException("pod " + ns + "/" + p.name() + " cannot run on node "
                        + settings.node() + ": " + why(pod));
            }
            sleep();
        }
        throw new ConformanceSetupException("pod " + ns + "/" + p.name() + " was not running on node " + settings.node()
                + " after " + settings.podTimeout().toSeconds() + " s: " + why(pod));
    }

    /** Container states no wait mends: a name no registry can have, an image the node is told never to pull. */
    private static final Set<String> HOPELESS = Set.of("InvalidImageName", "ErrImageNeverPull",
            "CreateContainerConfigError");

    /** Whether {@code pod} will never run: it ended, or a container waits for what will not come. */
    static boolean hopeless(Pod pod) {
        if (pod == null || pod.getStatus() == null) {
            return false;
        }
        if ("Failed".equals(pod.getStatus().getPhase()) || "Succeeded".equals(pod.getStatus().getPhase())) {
            return true;
        }
        return Optional.ofNullable(pod.getStatus().getContainerStatuses()).orElse(List.of()).stream()
                .anyMatch(c -> c.getState() != null && c.getState().getWaiting() != null
                        && HOPELESS.contains(c.getState().getWaiting().getReason()));
    }

    /** The state of a pod that does not run: its phase, a waiting container's reason, an unmet condition. */
    static String why(Pod pod) {
        if (pod == null) {
            return "it is gone";
        }
        if (pod.getStatus() == null) {
            return "it has no status (no kubelet took it: is node " + pod.getSpec().getNodeName() + " a node of this"
                    + " cluster?)";
        }
        List<String> parts = new ArrayList<>();
        parts.add("phase " + Optional.ofNullable(pod.getStatus().getPhase()).orElse("none"));
        for (ContainerStatus c : Optional.ofNullable(pod.getStatus().getContainerStatuses()).orElse(List.of())) {
            if (c.getState() != null && c.getState().getWaiting() != null) {
                parts.add("container " + c.getName() + " waiting: " + c.getState().getWaiting().getReason()
                        + Optional.ofNullable(c.getState().getWaiting().getMessage()).map(m -> " (" + m + ")").orElse(""));
            }
        }
        for (PodCondition c : Optional.ofNullable(pod.getStatus().getConditions()).orElse(List.of())) {
            if ("False".equals(c.getStatus()) && c.getMessage() != null) {
                parts.add(c.getType() + ": " + c.getMessage());
            }
        }
        if (pod.getStatus().getPodIP() == null) {
            parts.add("no address yet");
        }
        return String.join("; ", parts);
    }

    /** Finds the running pod's network namespace on this node and opens every suite port in it. */
    private PodRef serve(SuitePod p, Pod pod, long deadline) {
        PodRef ref = new PodRef(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), pod.getMetadata().getUid(),
                pod.getStatus().getPodIP());
        Optional<NetnsRef> netns = settings.namespaces().find(ref);
        while (netns.isEmpty() && System.nanoTime() < deadline) {
            sleep();
            netns = settings.namespaces().find(ref);
        }
        if (netns.isEmpty()) {
            throw new ConformanceSetupException("pod " + ref.namespace() + "/" + ref.name() + " runs on node "
                    + settings.node() + " but no process of it (uid " + ref.uid() + ") is in this runner's /proc: run"
                    + " the runner on node " + settings.node() + " with hostPID (see deploy/conformance)");
        }
        String who = ref.namespace() + "/" + ref.name();
        for (int port : ConformanceSuite.TCP_PORTS) {
            apps.serve(netns.get(), who, port, "TCP");
        }
        for (int port : ConformanceSuite.UDP_PORTS) {
            apps.serve(netns.get(), who, port, "UDP");
        }
        return ref;
    }

    @Override
    public void apply(NetworkPolicy policy) {
        String ns = namespaceOf(policy.getMetadata().getNamespace());
        client.network().v1().networkPolicies().inNamespace(ns).resource(new NetworkPolicyBuilder(policy).editMetadata()
                .withNamespace(ns).endMetadata().build()).create();
    }

    @Override
    public Prober prober() {
        return prober;
    }

    @Override
    public CompletableFuture<LatePod> startLate(SuitePod pod, Runnable start) {
        start.run();
        createPod(pod);
        return CompletableFuture.supplyAsync(() -> {
            long deadline = System.nanoTime() + settings.podTimeout().toNanos();
            PodRef ref = serve(pod, awaitRunning(pod, deadline), deadline);
            return new LatePod(ref, System.nanoTime());
        });
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConformanceSetupException("interrupted");
        }
    }

    /** Deletes the scratch namespaces made so far and waits until they are gone (or the delete timeout passed). */
    private synchronized void deleteNamespaces() {
        stopping = true;
        if (created.isEmpty()) {
            return;
        }
        for (String ns : created) {
            try {
                client.namespaces().withName(ns).delete();
            } catch (KubernetesClientException e) {
                LOG.warn("cannot delete scratch namespace {}: {}", ns, e.getMessage());
            }
        }
        long deadline = System.nanoTime() + settings.deleteTimeout().toNanos();
        List<String> left = new ArrayList<>(created);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            left.removeIf(ns -> {
                try {
                    return client.namespaces().withName(ns).get() == null;
                } catch (KubernetesClientException e) {
                    return false;
                }
            });
            if (!left.isEmpty()) {
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (!left.isEmpty()) {
            LOG.warn("scratch namespaces still terminating after {} s (deleted; the cluster finishes them): {}",
                    settings.deleteTimeout().toSeconds(), left.stream().collect(Collectors.joining(", ")));
        }
        created.clear();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        StartedParts parts = new StartedParts();
        parts.started("the probers' sockets", sockets);
        parts.started("the pods' listeners", apps);
        parts.started("the prober", prober);
        parts.close();
        deleteNamespaces();
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (or ran) anyway
        }
    }
}
