package io.reachproof.cli.conformance;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.agent.Transport;
import io.reachproof.agent.netns.NamedNetns;
import io.reachproof.agent.netns.NetnsSockets;
import io.reachproof.agent.pods.NamedPodNetworkNamespaces;
import io.reachproof.agent.probe.Prober;
import io.reachproof.agent.probe.SocketPlacement;
import io.reachproof.cli.conformance.ConformanceSuite.SuitePod;
import io.reachproof.cli.dataplane.Dataplane;
import io.reachproof.cli.dataplane.DataplaneLab;
import io.reachproof.cli.dataplane.DataplaneLab.LabCluster;
import io.reachproof.cli.dataplane.LabApiServer;
import io.reachproof.cli.dataplane.NftEnforcer;
import io.reachproof.cli.dataplane.PodApps;
import io.reachproof.coordinator.assembly.StartedParts;
import io.reachproof.protocol.PodRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A lab cluster of one CNI profile built for the suite: two nodes made of network namespaces (the suite's pods on
 * node-1, two hosts outside the cluster on node-2), its own API server and an enforcer of the cluster's profile, as in
 * the lab. Pods keep their suite names; their ports are served by the lab's pod apps.
 */
final class LabSuiteCluster implements SuiteCluster {

    private final LabCluster lab;
    private final String cluster;
    private final StartedParts running = new StartedParts();
    private final Map<String, PodRef> refs = new HashMap<>();
    private final Dataplane dataplane;
    private final PodApps apps;
    private final LabApiServer api;
    private final Prober prober;

    /** Builds the cluster: its namespaces under {@code prefix}, its kubeconfig in {@code dir}. */
    LabSuiteCluster(LabCluster lab, String prefix, Path dir) {
        this.lab = lab;
        this.cluster = lab.name();
        try {
            running.started("the lab's lock", DataplaneLab.lock(prefix));
            Dataplane.removeLeftovers(prefix);
            Files.createDirectories(dir);
            dataplane = Dataplane.create(prefix, Map.of(cluster, List.of("node-1", "node-2")));
            running.started("the network namespaces", dataplane);
            apps = new PodApps();
            running.started("the pods' apps", apps);
            api = LabApiServer.start(cluster, dir);
            running.started("the API server", api);
            NetnsSockets sockets = new NetnsSockets(Clock.systemUTC(), Duration.ofMinutes(10));
            running.started("the probers' sockets", sockets);
            prober = new Prober("conformance", 64, 1, Transport.detect(), Clock.systemUTC()).placeSocketsWith(
                    SocketPlacement.fromSourcePod(new NamedPodNetworkNamespaces(NamedNetns.RUN_NETNS,
                            Dataplane.podNetnsTemplate(prefix, cluster)), sockets));
            running.started("the prober", prober);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot build lab cluster " + cluster + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public ConformanceReport.Subject subject() {
        return ConformanceReport.Subject.lab(cluster, lab.profile(), lab.lag());
    }

    @Override
    public Optional<String> noOutsideHosts() {
        return Optional.empty();
    }

    @Override
    public Optional<String> outsideCidr() {
        return dataplane.pod(cluster, ConformanceSuite.OUTSIDE, "in").map(p -> p.ip().replaceAll("\\.\\d+$", ".0/24"));
    }

    @Override
    public Map<String, PodRef> create(Map<String, Map<String, String>> namespaces, List<SuitePod> pods) {
        namespaces.forEach(this::namespace);
        namespace(ConformanceSuite.OUTSIDE, Map.of());
        Map<String, PodRef> made = new LinkedHashMap<>();
        for (SuitePod p : pods) {
            made.put(p.key(), add(p));
            if (p.managed()) {
                register(p);
            }
        }
        // the enforcer starts on a cluster whose pods are all there, as the suite's policies will be once applied
        running.started("the enforcer", NftEnforcer.start(api.client(), cluster, pod -> dataplane.attachment(cluster, pod),
                lab.profile(), lab.lag()));
        return made;
    }

    private void namespace(String name, Map<String, String> labels) {
        Map<String, String> all = new HashMap<>(labels);
        all.put("kubernetes.io/metadata.name", name);
        api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(all)
                .endMetadata().build()).create();
    }

    /** Makes {@code p} in the dataplane with its ports served. */
    private PodRef add(SuitePod p) {
        Dataplane.Pod made = dataplane.addPod(cluster, p.node(), p.namespace(), p.name());
        for (int port : ConformanceSuite.TCP_PORTS) {
            apps.serve(made, port, "TCP");
        }
        for (int port : ConformanceSuite.UDP_PORTS) {
            apps.serve(made, port, "UDP");
        }
        PodRef ref = new PodRef(p.namespace(), p.name(), "uid-" + p.namespace() + "-" + p.name(), made.ip());
        refs.put(p.key(), ref);
        return ref;
    }

    /** Tells the API of the pod {@code p}, running with its address, as a kubelet would. */
    private void register(SuitePod p) {
        PodRef ref = refs.get(p.key());
        api.client().pods().inNamespace(p.namespace()).resource(new PodBuilder().withNewMetadata()
                .withNamespace(p.namespace()).withName(p.name()).withUid(ref.uid()).withLabels(p.labels()).endMetadata()
                .withNewSpec().withNodeName(p.node()).addToContainers(new ContainerBuilder().withName("app")
                        .withImage("conformance").withPorts(ConformanceSuite.containerPorts()).build()).endSpec()
                .withNewStatus().withPhase("Running").withPodIP(ref.ip()).endStatus().build()).create();
    }

    @Override
    public void apply(NetworkPolicy policy) {
        api.client().network().v1().networkPolicies().inNamespace(policy.getMetadata().getNamespace()).resource(policy)
                .create();
    }

    @Override
    public Prober prober() {
        return prober;
    }

    /** The late pod's namespace, address and servers exist before the API learns of it, as a CNI's would. */
    @Override
    public CompletableFuture<LatePod> startLate(SuitePod pod, Runnable start) {
        PodRef ref = add(pod);
        start.run();
        long ready = System.nanoTime();
        register(pod);
        return CompletableFuture.completedFuture(new LatePod(ref, ready));
    }

    @Override
    public void close() {
        running.close();
    }
}
