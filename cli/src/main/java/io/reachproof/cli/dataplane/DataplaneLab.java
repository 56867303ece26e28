package io.reachproof.cli.dataplane;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.reachproof.agent.Transport;
import io.reachproof.agent.control.ControlLoop;
import io.reachproof.agent.control.ControlSettings;
import io.reachproof.agent.control.NettyAgentRuntime;
import io.reachproof.agent.control.WorkloadMode;
import io.reachproof.agent.netns.NetnsUnavailable;
import io.reachproof.agent.pods.NamedPodNetworkNamespaces;
import io.reachproof.agent.probe.Prober;
import io.reachproof.agent.responder.ResponderSet;
import io.reachproof.agent.netns.NamedNetns;
import io.reachproof.coordinator.assembly.ClusterAccess;
import io.reachproof.coordinator.assembly.StartedParts;
import io.reachproof.expectations.GoDuration;
import io.reachproof.policy.Cidr;
import io.reachproof.policy.EgressAddresses;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab where policies are really enforced: clusters of network namespaces ({@link Dataplane}), each with its own
 * Kubernetes API ({@link LabApiServer}: its Namespaces, Pods and NetworkPolicies, and a kubeconfig), its pods' declared
 * ports answering ({@link PodApps}), an enforcer turning the cluster's NetworkPolicies into nftables rules inside its
 * pods, and one node agent per lab node in workload mode. The same workloads (a topology of Namespaces and Pods) run
 * in every cluster, and the same NetworkPolicies are applied to each, through its API, as {@code kubectl apply} would.
 * {@link #close()} stops all of it and deletes every namespace; {@link #start} first deletes what a crashed lab of
 * the same prefix left.
 */
public final class DataplaneLab implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DataplaneLab.class);

    /** The namespace names of the lab start with this (and a dash). */
    public static final String PREFIX = "rplab";
    /** The label the lab's pods carry with their cluster's name (so one topology file can serve all). */
    public static final String CLUSTERS_ANNOTATION = "reachproof.io/lab-clusters";

    /**
     * A lab cluster: its name, cloud and region, how its enforcer reads NetworkPolicies ({@code profile}; {@code lag}:
     * how long new pods and changed policies stay open, for {@code enforcement-lag}, else zero), and whether its nodes
     * translate its pods' traffic to other clusters to their own addresses ({@code snat}, {@link Dataplane#translateEgress}).
     */
    public record LabCluster(String name, String cloud, String region, CniProfile profile, Duration lag, boolean snat) {
        public LabCluster {
            requireNonNull(name, "name");
            requireNonNull(cloud, "cloud");
            requireNonNull(region, "region");
            requireNonNull(profile, "profile");
            requireNonNull(lag, "lag");
            if (lag.isNegative()) {
                throw new IllegalArgumentException("lag must not be negative: " + lag);
            }
        }

        /** A cluster whose pods' traffic leaves with their own addresses. */
        public LabCluster(String name, String cloud, String region, CniProfile profile, Duration lag) {
            this(name, cloud, region, profile, lag, false);
        }

        /** A cluster enforcing the full specification. */
        public LabCluster(String name, String cloud, String region) {
            this(name, cloud, region, CniProfile.REFERENCE, Duration.ZERO);
        }

        /** The same cluster with another profile and lag. */
        public LabCluster withProfile(CniProfile p, Duration l) {
            return new LabCluster(name, cloud, region, p, l, snat);
        }

        /** The same cluster, its egress to other clusters translated or not. */
        public LabCluster withSnat(boolean translated) {
            return new LabCluster(name, cloud, region, profile, lag, translated);
        }

        /** {@code enforcement-lag (45s)}, {@code reject}, ... */
        public String describeProfile() {
            return profile == CniProfile.ENFORCEMENT_LAG ? profile.id() + " (" + GoDuration.format(lag) + ")" : profile.id();
        }
    }

    /**
     * The three lab clusters: the same policies, three CNIs' readings of them. aws-lab lags 45 s behind new pods and
     * changed policies (AWS VPC CNI's standard enforcing mode), azure-lab rejects instead of dropping and translates its
     * pods' traffic to other clusters to its nodes' addresses (SNAT), gcp-lab's ipBlocks never match its own pods (CIDR
     * rules vs. identities). {@code expectations/examples/dataplane/clusters.yaml} says the same as a file for
     * {@code lab --clusters}.
     */
    public static final List<LabCluster> CLUSTERS = List.of(
            new LabCluster("aws-lab", "aws", "us-east-1", CniProfile.ENFORCEMENT_LAG, Duration.ofSeconds(45)),
            new LabCluster("azure-lab", "azure", "westeurope", CniProfile.REJECT, Duration.ZERO, true),
            new LabCluster("gcp-lab", "gcp", "europe-west1", CniProfile.IPBLOCK_IGNORES_PODS, Duration.ZERO));

    /** Starts a cluster's enforcer: from its API, it writes rules on the nodes the pods are attached to. */
    @FunctionalInterface
    public interface Enforcers {
        AutoCloseable start(LabApiServer api, LabCluster cluster, Function<Pod, Optional<NftRuleset.Attachment>> attachment);

        /** The lab's own: {@link NftEnforcer}, reading the policies as the cluster's profile says. */
        Enforcers NFTABLES = (api, cluster, attachment) -> NftEnforcer.start(api.client(), api.cluster(), attachment,
                cluster.profile(), cluster.lag());
    }

    /** What a lab is made of. */
    public record Spec(String prefix, Path dir, List<LabCluster> clusters, int nodesPerCluster, List<Namespace> namespaces,
            List<Pod> pods, List<NetworkPolicy> policies) {

        public Spec {
            requireNonNull(prefix, "prefix");
            requireNonNull(dir, "dir");
            clusters = List.copyOf(clusters);
            namespaces = List.copyOf(namespaces);
            pods = List.copyOf(pods);
            policies = List.copyOf(policies);
            if (nodesPerCluster < 1 || nodesPerCluster > 20) {
                throw new IllegalArgumentException("nodes per cluster must be in 1..20: " + nodesPerCluster);
            }
        }
    }

    private final Spec spec;
    private final StartedParts running = new StartedParts();
    private final Map<String, LabApiServer> apis = new LinkedHashMap<>();
    private Dataplane dataplane;
    private PodApps apps;
    private List<String> leftovers = List.of();

    private DataplaneLab(Spec spec) {
        this.spec = spec;
    }

    /**
     * Builds the lab of {@code spec}: deletes a crashed lab's leftovers, makes the namespaces, serves each cluster's
     * API with the topology and the policies, opens the pods' ports and starts each cluster's enforcer. Fails naming
     * what failed, after stopping what it started.
     */
    public static DataplaneLab start(Spec spec, Enforcers enforcers) throws IOException {
        requireNonNull(enforcers, "enforcers");
        DataplaneLab lab = new DataplaneLab(spec);
        try {
            lab.build(enforcers);
            return lab;
        } catch (RuntimeException | IOException e) {
            lab.close();
            throw e;
        }
    }

    private void build(Enforcers enforcers) throws IOException {
        running.started("the lab's lock", lock(spec.prefix()));
        leftovers = Dataplane.removeLeftovers(spec.prefix());
        LabKubelet.removeLeftovers(spec.prefix());
        Files.createDirectories(spec.dir());
        Map<String, List<String>> nodes = new LinkedHashMap<>();
        for (LabCluster c : spec.clusters()) {
            List<String> names = new ArrayList<>();
            for (int n = 1; n <= spec.nodesPerCluster(); n++) {
                names.add("node-" + n);
            }
            nodes.put(c.name(), names);
        }
        dataplane = Dataplane.create(spec.prefix(), nodes);
        running.started("the network namespaces", dataplane);
        for (LabCluster c : spec.clusters()) {
            if (c.snat()) {
                dataplane.translateEgress(c.name());
            }
        }
        apps = new PodApps();
        running.started("the pods' apps", apps);
        for (LabCluster c : spec.clusters()) {
            LabApiServer api = LabApiServer.start(c.name(), spec.dir());
            running.started("the API server of " + c.name(), api);
            apis.put(c.name(), api);
            populate(c, api, nodes.get(c.name()));
            String cluster = c.name();
            try {
                running.started("the kubelet of " + cluster, LabKubelet.start(api.client(), dataplane, cluster,
                        Set.copyOf(nodes.get(cluster))));
            } catch (DataplaneException e) {
                LOG.warn("lab cluster {}: pods created through its API will not run: {}", cluster, e.getMessage());
            }
            running.started("the enforcer of " + cluster, enforcers.start(api, c, pod -> dataplane.attachment(cluster, pod)));
            for (NetworkPolicy p : spec.policies()) {
                api.client().network().v1().networkPolicies().inNamespace(p.getMetadata().getNamespace())
                        .resource(new NetworkPolicyBuilder(p).editMetadata().withResourceVersion(null).withUid(null)
                                .endMetadata().build()).create();
            }
        }
    }

    /**
     * Holds the lab's lock ({@code /run/reachproof-lab-PREFIX.lock}) while it runs: a second lab of the same prefix
     * would take the first one's namespaces for a crashed lab's leftovers. The kernel releases it with the process,
     * so a crashed lab's lock is free again.
     */
    public static AutoCloseable lock(String prefix) throws IOException {
        Path file = Path.of("/run", "reachproof-lab-" + prefix + ".lock");
        java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock held;
        try {
            held = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (held == null) {
            channel.close();
            throw new DataplaneException("another lab with the namespaces " + prefix + "-* is running on this machine (it"
                    + " holds " + file + "); stop it first");
        }
        return channel::close;
    }

    /** Namespaces and pods of the topology in {@code cluster}: each pod made in the dataplane, its ports served. */
    private void populate(LabCluster cluster, LabApiServer api, List<String> nodes) {
        for (Namespace ns : spec.namespaces()) {
            Map<String, String> labels = new HashMap<>(Optional.ofNullable(ns.getMetadata().getLabels()).orElse(Map.of()));
            labels.put("kubernetes.io/metadata.name", ns.getMetadata().getName());
            api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns.getMetadata().getName())
                    .withLabels(labels).endMetadata().build()).create();
        }
        int next = 0;
        for (Pod p : spec.pods()) {
            String only = Optional.ofNullable(p.getMetadata().getAnnotations()).map(a -> a.get(CLUSTERS_ANNOTATION)).orElse(null);
            if (only != null && !List.of(only.split(",")).contains(cluster.name())) {
                continue;
            }
            String wanted = p.getSpec() == null ? null : p.getSpec().getNodeName();
            String node = wanted != null && nodes.contains(wanted) ? wanted : nodes.get(next++ % nodes.size());
            String namespace = p.getMetadata().getNamespace() == null ? "default" : p.getMetadata().getNamespace();
            Dataplane.Pod made = dataplane.addPod(cluster.name(), node, namespace, p.getMetadata().getName());
            for (Container c : p.getSpec().getContainers()) {
                for (ContainerPort port : Optional.ofNullable(c.getPorts()).orElse(List.of())) {
                    String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol().toUpperCase(Locale.ROOT);
                    if (protocol.equals("TCP") || protocol.equals("UDP")) {
                        apps.serve(made, port.getContainerPort(), protocol);
                    }
                }
            }
            Pod running = new PodBuilder(p).editMetadata().withNamespace(namespace).withResourceVersion(null).withUid(null)
                    .endMetadata().editSpec().withNodeName(node).endSpec()
                    .withNewStatus().withPhase("Running").withPodIP(made.ip()).withPodIPs(new PodIPBuilder().withIp(made.ip())
                            .build()).endStatus().build();
            api.client().pods().inNamespace(namespace).resource(running).create();
        }
    }

    /**
     * The address(es) each cluster's pods' traffic arrives from in the other clusters, as the coordinator's
     * {@code egressAddresses} say it: for a cluster with {@code snat}, its nodes' addresses on the core (one /32 per
     * node, {@link Dataplane#coreAddress}); the others are left out (podIP). Known before the lab is built.
     */
    public static Map<String, EgressAddresses> egressAddresses(List<LabCluster> clusters, int nodesPerCluster) {
        Map<String, EgressAddresses> out = new LinkedHashMap<>();
        for (int c = 0; c < clusters.size(); c++) {
            if (clusters.get(c).snat()) {
                List<Cidr> nodes = new ArrayList<>();
                for (int n = 0; n < nodesPerCluster; n++) {
                    nodes.add(Cidr.parse(Dataplane.coreAddress(c, n) + "/32").orElseThrow());
                }
                out.put(clusters.get(c).name(), new EgressAddresses(nodes));
            }
        }
        return out;
    }

    /** {@link #egressAddresses(List, int)} of this lab. */
    public Map<String, EgressAddresses> egressAddresses() {
        return egressAddresses(spec.clusters(), spec.nodesPerCluster());
    }

    /** The lab's clusters as the coordinator watches them: {@code --kubernetes CLUSTER=KUBECONFIG}. */
    public List<ClusterAccess> access() {
        List<ClusterAccess> all = new ArrayList<>();
        apis.forEach((name, api) -> all.add(new ClusterAccess(name, "lab cluster " + name + " (" + api.kubeconfig() + ")",
                Optional.of(api.kubeconfig()), Optional.empty())));
        return all;
    }

    /** Each cluster's kubeconfig. */
    public Map<String, Path> kubeconfigs() {
        Map<String, Path> all = new LinkedHashMap<>();
        apis.forEach((name, api) -> all.put(name, api.kubeconfig()));
        return all;
    }

    /** Each cluster's API server. */
    public Map<String, LabApiServer> apis() {
        return Map.copyOf(apis);
    }

    public Dataplane dataplane() {
        return dataplane;
    }

    /** The network namespaces a crashed lab of the same prefix had left, which this one removed first. */
    public List<String> leftoversRemoved() {
        return leftovers;
    }

    /**
     * Starts one agent in workload mode per lab node, reporting to {@code coordinator} with each cluster's token;
     * returns once all have registered (30 s at most, else an IllegalStateException says how many did). The agents
     * stop with the returned handle.
     */
    public AutoCloseable startAgents(URI coordinator, Function<String, String> tokenOf) throws IOException, InterruptedException {
        Agents agents = new Agents(Files.createTempDirectory("reachproof-lab-agents-"));
        try {
            List<CompletableFuture<Void>> registered = new ArrayList<>();
            int c = 0;
            for (LabCluster cluster : spec.clusters()) {
                int n = 0;
                for (String node : dataplane.nodes().get(cluster.name())) {
                    registered.add(startAgent(cluster, node, "127.201." + c + "." + (++n), coordinator,
                            tokenOf.apply(cluster.name()), agents));
                }
                c++;
            }
            CompletableFuture.allOf(registered.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            return agents;
        } catch (TimeoutException | ExecutionException e) {
            agents.close();
            throw new IllegalStateException("the lab's node agents did not all register within 30s: " + e);
        } catch (RuntimeException | InterruptedException e) {
            agents.close();
            throw e;
        }
    }

    /** The node agents' parts, stopped in reverse, and their spools. */
    private static final class Agents implements AutoCloseable {
        final Path spools;
        final StartedParts parts = new StartedParts();

        Agents(Path spools) {
            this.spools = spools;
        }

        @Override
        public void close() {
            parts.close();
            try (Stream<Path> files = Files.walk(spools)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind is harmless
            }
        }
    }

    private CompletableFuture<Void> startAgent(LabCluster cluster, String node, String address, URI coordinator,
            String token, Agents agents) {
        String id = "agent-" + cluster.name() + "-" + node;
        AgentIdentity plain = new AgentIdentity(id, cluster.name(), cluster.cloud(), cluster.region(), node, "reachproof",
                id, List.of(address), Map.of("app", "reachproof-agent"), Map.of("kubernetes.io/metadata.name", "reachproof"),
                io.reachproof.coordinator.lab.LabFleet.RESPONDERS, java.util.Set.of("tcp", "udp", "http"));
        Transport transport = Transport.detect();
        ResponderSet responders = ResponderSet.start(plain, address, transport);
        agents.parts.started("the responders of " + id, responders);
        Prober prober = new Prober(id, 64, 1, transport, Clock.systemUTC());
        agents.parts.started("the prober of " + id, prober);
        WorkloadMode mode;
        try {
            mode = WorkloadMode.start(plain, prober, new NamedPodNetworkNamespaces(NamedNetns.RUN_NETNS,
                    Dataplane.podNetnsTemplate(spec.prefix(), cluster.name())));
        } catch (NetnsUnavailable e) {
            throw new DataplaneException("the lab's agents cannot enter network namespaces: " + e.getMessage());
        }
        agents.parts.started("the workload mode of " + id, mode);
        var runtime = NettyAgentRuntime.of(responders, prober);
        ControlSettings control = new ControlSettings(coordinator, token, agents.spools.resolve(id), 10_000, Duration.ofMillis(500),
                Duration.ofSeconds(5));
        ControlLoop loop = new ControlLoop(mode.identity(), control, Json.mapper(), runtime.runner(), runtime.selfChecker(),
                ControlLoop.newScheduler(id), Clock.systemUTC());
        loop.prepareTargetsWith(mode.targets());
        loop.start();
        agents.parts.started("the control loop of " + id, loop);
        return loop.registered();
    }

    /** Stops the enforcers and API servers, closes the pods' ports and deletes every namespace of the lab. */
    @Override
    public void close() {
        running.close();
    }
}
