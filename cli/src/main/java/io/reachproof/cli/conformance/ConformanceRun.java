package io.reachproof.cli.conformance;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
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
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PodRef;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conformance suite run on a lab cluster of one CNI profile: a cluster of two nodes made of network namespaces
 * (the suite's pods on node-1, two hosts outside the cluster on node-2), its own API server and an enforcer of the
 * cluster's profile, as in the lab; the suite's policies applied through the API; then, once the rules have landed
 * (every probe that must be denied is, or {@code settleTimeout} passed), every feature's probes sent from the source
 * pod's own namespace; last, the enforcement delay measured on a changed policy and a new pod. Everything it made is
 * deleted when it ends, on failure too.
 */
public final class ConformanceRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConformanceRun.class);
    private static final long POLL_MILLIS = 100;

    /** What to run: the lab cluster (its profile and lag), the namespace prefix, where the kubeconfig goes. */
    public record Settings(LabCluster cluster, String prefix, Path dir, Duration settleTimeout, Duration delayTimeout) {
        public Settings {
            requireNonNull(cluster, "cluster");
            requireNonNull(prefix, "prefix");
            requireNonNull(dir, "dir");
            requireNonNull(settleTimeout, "settleTimeout");
            requireNonNull(delayTimeout, "delayTimeout");
        }

        /** The timeouts a cluster of this profile needs: its lag and 15 s more. */
        public static Settings of(LabCluster cluster, String prefix, Path dir) {
            Duration t = cluster.lag().plusSeconds(15);
            return new Settings(cluster, prefix, dir, t, t);
        }
    }

    private final Settings settings;
    private final String cluster;
    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private final Map<String, PodRef> refs = new HashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private Dataplane dataplane;
    private PodApps apps;
    private LabApiServer api;
    private Prober prober;

    private ConformanceRun(Settings settings) {
        this.settings = settings;
        this.cluster = settings.cluster().name();
    }

    /** Runs the whole suite and returns its report; the namespaces are gone when it returns. */
    public static ConformanceReport run(Settings settings) throws IOException, InterruptedException {
        try (ConformanceRun run = new ConformanceRun(settings)) {
            return run.go();
        }
    }

    private ConformanceReport go() throws IOException, InterruptedException {
        long started = System.nanoTime();
        running.push(DataplaneLab.lock(settings.prefix()));
        Dataplane.removeLeftovers(settings.prefix());
        Files.createDirectories(settings.dir());
        dataplane = Dataplane.create(settings.prefix(), Map.of(cluster, List.of("node-1", "node-2")));
        running.push(dataplane);
        apps = new PodApps();
        running.push(apps);
        api = LabApiServer.start(cluster, settings.dir());
        running.push(api);
        ConformanceSuite.namespaces().forEach((name, labels) -> namespace(name, labels));
        namespace(ConformanceSuite.OUTSIDE, Map.of());
        Map<String, String> ipOf = new LinkedHashMap<>();
        for (SuitePod p : ConformanceSuite.pods()) {
            ipOf.put(p.key(), add(p).ip());
        }
        String outsideCidr = dataplane.pod(cluster, ConformanceSuite.OUTSIDE, "in").orElseThrow().ip()
                .replaceAll("\\.\\d+$", ".0/24");
        for (NetworkPolicy np : ConformanceSuite.policies(ipOf, outsideCidr)) {
            api.client().network().v1().networkPolicies().inNamespace(np.getMetadata().getNamespace()).resource(np).create();
        }
        NetnsSockets sockets = new NetnsSockets(Clock.systemUTC(), Duration.ofMinutes(10));
        running.push(sockets);
        prober = new Prober("conformance", 64, 1, Transport.detect(), Clock.systemUTC()).placeSocketsWith(
                SocketPlacement.fromSourcePod(new NamedPodNetworkNamespaces(NamedNetns.RUN_NETNS,
                        Dataplane.podNetnsTemplate(settings.prefix(), cluster)), sockets));
        running.push(prober);
        running.push(NftEnforcer.start(api.client(), cluster, pod -> dataplane.attachment(cluster, pod),
                settings.cluster().profile(), settings.cluster().lag()));
        long settleStart = System.nanoTime();
        boolean settled = settle();
        long settleMillis = (System.nanoTime() - settleStart) / 1_000_000;

        // every feature's probes at once: the features live in namespaces of their own
        List<CellCheck> all = new ArrayList<>();
        for (Feature f : Feature.values()) {
            all.addAll(ConformanceSuite.checks(f));
        }
        Map<CellCheck, CellObservation> seen = new HashMap<>();
        probeAll(all, 2, 1000).forEach(o -> seen.put(o.check(), o));
        List<FeatureResult> results = new ArrayList<>();
        for (Feature f : Feature.values()) {
            List<CellObservation> cells = ConformanceSuite.checks(f).stream().map(seen::get).toList();
            switch (f) {
                case SCTP -> results.add(FeatureJudge.notSupported(f, sctpSupport()));
                case ENFORCEMENT_DELAY -> results.add(measureDelay());
                case DENY_DROPS -> results.add(FeatureJudge.judgeDenyMode(cells));
                default -> results.add(FeatureJudge.judge(f, cells));
            }
        }
        return new ConformanceReport(cluster, settings.cluster().profile(), settings.cluster().lag(), results,
                ConformanceSuite.documentedDeviations(settings.cluster().profile()), settled, settleMillis,
                (System.nanoTime() - started) / 1_000_000);
    }

    private void namespace(String name, Map<String, String> labels) {
        Map<String, String> all = new HashMap<>(labels);
        all.put("kubernetes.io/metadata.name", name);
        api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(all)
                .endMetadata().build()).create();
    }

    /** Makes {@code p} in the dataplane with its ports served; a managed pod goes to the API too. */
    private Dataplane.Pod add(SuitePod p) {
        Dataplane.Pod made = dataplane.addPod(cluster, p.node(), p.namespace(), p.name());
        for (int port : ConformanceSuite.TCP_PORTS) {
            apps.serve(made, port, "TCP");
        }
        for (int port : ConformanceSuite.UDP_PORTS) {
            apps.serve(made, port, "UDP");
        }
        String uid = "uid-" + p.namespace() + "-" + p.name();
        refs.put(p.key(), new PodRef(p.namespace(), p.name(), uid, made.ip()));
        if (p.managed()) {
            PodBuilder pod = new PodBuilder().withNewMetadata().withNamespace(p.namespace()).withName(p.name())
                    .withUid(uid).withLabels(p.labels()).endMetadata().withNewSpec().withNodeName(p.node()).endSpec()
                    .withNewStatus().withPhase("Running").withPodIP(made.ip()).endStatus();
            var container = new ContainerBuilder().withName("app").withImage("conformance");
            for (int port : ConformanceSuite.TCP_PORTS) {
                container.addToPorts(new ContainerPortBuilder().withContainerPort(port).withName(port == 80 ? "http" : null)
                        .withProtocol("TCP").build());
            }
            for (int port : ConformanceSuite.UDP_PORTS) {
                container.addToPorts(new ContainerPortBuilder().withContainerPort(port).withName(port == 53 ? "dns" : null)
                        .withProtocol("UDP").build());
            }
            Pod made2 = pod.editSpec().addToContainers(container.build()).endSpec().build();
            api.client().pods().inNamespace(p.namespace()).resource(made2).create();
        }
        return made;
    }

    /** Waits until every probe the suite expects denied is denied; false when the timeout passed first. */
    private boolean settle() throws InterruptedException {
        List<CellCheck> denied = new ArrayList<>();
        for (Feature f : Feature.values()) {
            ConformanceSuite.checks(f).stream().filter(c -> !c.allowed()).forEach(denied::add);
        }
        long deadline = System.nanoTime() + settings.settleTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            if (probeAll(denied, 1, 300).stream().allMatch(CellObservation::denied)) {
                return true;
            }
            Thread.sleep(POLL_MILLIS);
        }
        LOG.info("cluster {}: not every denied probe was denied within {}", cluster, settings.settleTimeout());
        return false;
    }

    private List<CellObservation> probeAll(List<CellCheck> checks, int attempts, long timeoutMillis)
            throws InterruptedException {
        List<CompletableFuture<ProbeResult>> running = new ArrayList<>();
        for (CellCheck c : checks) {
            running.add(probe(c, attempts, timeoutMillis));
        }
        List<CellObservation> seen = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            ProbeResult r;
            try {
                r = running.get(i).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                seen.add(new CellObservation(checks.get(i), Outcome.ERROR, e.toString()));
                continue;
            }
            seen.add(new CellObservation(checks.get(i), r.outcome(), r.detail()));
        }
        return seen;
    }

    private CompletableFuture<ProbeResult> probe(CellCheck c, int attempts, long timeoutMillis) {
        PodRef from = refs.get(c.from());
        PodRef to = refs.get(c.to());
        return prober.probe(new ProbeTask("conformance-" + ids.incrementAndGet(), c.protocol(), to.ip(), c.port(), null,
                null, null, attempts, timeoutMillis, 200, 299, from, to), "conformance");
    }

    /** Whether this kernel has SCTP; the probers speak TCP and UDP only, so SCTP is never proved here. */
    static String sctpSupport() {
        if (!Files.exists(Path.of("/proc/net/sctp"))) {
            return "this kernel has no SCTP (no /proc/net/sctp): no SCTP socket can be opened to probe with";
        }
        return "the lab's probers speak TCP and UDP only: SCTP is not probed";
    }

    /**
     * Times how long a changed policy ({@code delay/server} denied) and a new pod ({@code delaynew/late}, under a
     * deny-all from the start) stay open: both made at once, then probed every {@value #POLL_MILLIS} ms until denied.
     */
    private FeatureResult measureDelay() throws InterruptedException {
        CellCheck changed = new CellCheck("delay/client", "delay/server", 80, Protocol.TCP, false);
        CellCheck fresh = new CellCheck("delay/client", "delaynew/late", 80, Protocol.TCP, false);
        CellObservation before = probeAll(List.of(changed), 1, 1000).get(0);
        if (!before.connected()) {
            return new FeatureResult(Feature.ENFORCEMENT_DELAY, FeatureStatus.FAIL, "could not measure: "
                    + changed.describe() + " was " + before.outcome() + " before the policy was applied", List.of(before));
        }
        SuitePod late = ConformanceSuite.latePod();
        // the late pod's namespace, address and servers exist before the API learns of it, as a CNI's would
        Map<String, String> labels = late.labels();
        add(new SuitePod(late.namespace(), late.name(), labels, false, late.node()));
        long t0 = System.nanoTime();
        NetworkPolicy deny = ConformanceSuite.delayPolicy();
        api.client().network().v1().networkPolicies().inNamespace("delay").resource(deny).create();
        PodRef ref = refs.get(late.key());
        api.client().pods().inNamespace(late.namespace()).resource(new PodBuilder().withNewMetadata()
                .withNamespace(late.namespace()).withName(late.name()).withUid(ref.uid()).withLabels(labels).endMetadata()
                .withNewSpec().withNodeName(late.node()).endSpec().withNewStatus().withPhase("Running")
                .withPodIP(ref.ip()).endStatus().build()).create();
        Optional<Duration> policyWindow = Optional.empty();
        Optional<Duration> podWindow = Optional.empty();
        List<CellObservation> last = List.of();
        long deadline = t0 + settings.delayTimeout().toNanos();
        while (System.nanoTime() < deadline && (policyWindow.isEmpty() || podWindow.isEmpty())) {
            // a probe's time is when it was sent: a drop is only known once its timeout passed
            Duration now = Duration.ofNanos(System.nanoTime() - t0);
            List<CellObservation> seen = probeAll(List.of(changed, fresh), 1, 200);
            if (policyWindow.isEmpty() && seen.get(0).denied()) {
                policyWindow = Optional.of(now);
            }
            if (podWindow.isEmpty() && seen.get(1).denied()) {
                podWindow = Optional.of(now);
            }
            last = seen;
            if (policyWindow.isEmpty() || podWindow.isEmpty()) {
                Thread.sleep(POLL_MILLIS);
            }
        }
        List<CellObservation> cells = new ArrayList<>(List.of(before));
        cells.addAll(last);
        return FeatureJudge.judgeDelay(policyWindow, podWindow, ConformanceSuite.DELAY_LIMIT, settings.delayTimeout(), cells);
    }

    @Override
    public void close() {
        while (!running.isEmpty()) {
            try {
                running.pop().close();
            } catch (Exception e) {
                LOG.warn("while stopping the conformance cluster {}: {}", cluster, e.toString());
            }
        }
    }
}
