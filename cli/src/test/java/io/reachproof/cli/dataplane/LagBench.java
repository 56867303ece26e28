package io.reachproof.cli.dataplane;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.reachproof.agent.Transport;
import io.reachproof.agent.netns.NamedNetns;
import io.reachproof.agent.netns.NetnsSockets;
import io.reachproof.agent.pods.NamedPodNetworkNamespaces;
import io.reachproof.agent.probe.Prober;
import io.reachproof.agent.probe.SocketPlacement;
import io.reachproof.cli.conformance.ConformanceReport;
import io.reachproof.cli.conformance.ConformanceRun;
import io.reachproof.cli.conformance.Feature;
import io.reachproof.cli.dataplane.DataplaneLab.LabCluster;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PodRef;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The enforcement-lag profile's figures ({@code scripts/bench-lag}): how long the window in which a changed policy
 * leaves its pods open is seen to last on real packets, against its configured length, over N changes (median, min,
 * max), and the conformance suite's run time on a lab cluster of each CNI profile.
 */
public final class LagBench {

    private static final String PREFIX = "rplagbench";

    private LagBench() {
    }

    public static void main(String[] args) throws Exception {
        Duration lag = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 5);
        int changes = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        if (Shell.whyNoDataplane().isPresent()) {
            System.err.println("bench-lag: the dataplane lab " + Shell.whyNoDataplane().get());
            System.exit(2);
        }
        Path dir = Files.createTempDirectory("reachproof-bench-lag");
        System.out.println("enforcement-lag window, configured " + lag.toMillis() + " ms, " + changes + " policy changes:");
        List<Long> windows = windows(lag, changes, dir);
        List<Long> sorted = new ArrayList<>(windows);
        Collections.sort(sorted);
        System.out.printf(Locale.ROOT, "  seen open for   median %d ms  min %d ms  max %d ms  (each: %s)%n",
                sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1),
                windows.stream().map(String::valueOf).collect(Collectors.joining(" ")));
        System.out.printf(Locale.ROOT, "  beyond the configured lag: median %+d ms%n", sorted.get(sorted.size() / 2) - lag.toMillis());
        System.out.println();
        System.out.println("conformance run time per profile (lag " + lag.toSeconds() + " s for enforcement-lag):");
        for (CniProfile profile : CniProfile.values()) {
            LabCluster cluster = new LabCluster(profile.id(), "lab", "local", profile,
                    profile == CniProfile.ENFORCEMENT_LAG ? lag : Duration.ZERO);
            ConformanceReport r = ConformanceRun.onLab(cluster, PREFIX, dir);
            System.out.printf(Locale.ROOT, "  %-22s %6.1f s  (rules landed after %5.1f s)  deviations: %-60s %s%n",
                    profile.id(), r.durationMillis() / 1000.0, r.settleMillis() / 1000.0,
                    r.failed().isEmpty() ? "none" : r.failed().stream().map(Feature::id).collect(Collectors.joining(", ")),
                    r.asDocumented() ? "as documented" : "NOT as documented");
        }
    }

    /**
     * One cluster of the enforcement-lag profile, a client and a server; the server's policy (denying the client's port
     * 80) is changed {@code changes} times; after each, the client probes every 25 ms: the window is from the change to
     * the first denied probe after the server was seen open.
     */
    private static List<Long> windows(Duration lag, int changes, Path dir) throws Exception {
        Deque<AutoCloseable> running = new ArrayDeque<>();
        try {
            running.push(DataplaneLab.lock(PREFIX));
            Dataplane.removeLeftovers(PREFIX);
            Dataplane dataplane = Dataplane.create(PREFIX, Map.of("lag", List.of("node-1")));
            running.push(dataplane);
            PodApps apps = new PodApps();
            running.push(apps);
            LabApiServer api = LabApiServer.start("lag", dir);
            running.push(api);
            api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("x").endMetadata().build())
                    .create();
            PodRef[] refs = new PodRef[2];
            int i = 0;
            for (String name : List.of("server", "client")) {
                Dataplane.Pod made = dataplane.addPod("lag", "node-1", "x", name);
                apps.serve(made, 80, "TCP");
                api.client().pods().inNamespace("x").resource(new PodBuilder().withNewMetadata().withNamespace("x")
                        .withName(name).withUid("uid-" + name).withLabels(Map.of("app", name)).endMetadata().withNewSpec()
                        .withNodeName("node-1").endSpec().withNewStatus().withPodIP(made.ip()).endStatus().build()).create();
                refs[i++] = new PodRef("x", name, "uid-" + name, made.ip());
            }
            NftEnforcer enforcer = NftEnforcer.start(api.client(), "lag", pod -> dataplane.attachment("lag", pod),
                    CniProfile.ENFORCEMENT_LAG, lag);
            running.push(enforcer);
            NetnsSockets sockets = new NetnsSockets(Clock.systemUTC(), Duration.ofMinutes(10));
            running.push(sockets);
            Prober prober = new Prober("bench-lag", 16, 1, Transport.detect(), Clock.systemUTC()).placeSocketsWith(
                    SocketPlacement.fromSourcePod(new NamedPodNetworkNamespaces(NamedNetns.RUN_NETNS,
                            Dataplane.podNetnsTemplate(PREFIX, "lag")), sockets));
            running.push(prober);
            // the pods' own window first: they are new
            Thread.sleep(lag.toMillis() + 500);
            List<Long> windows = new ArrayList<>();
            long deadlineMillis = lag.toMillis() + 10_000;
            for (int change = 0; change < changes; change++) {
                NetworkPolicy policy = new NetworkPolicyBuilder().withNewMetadata().withNamespace("x").withName("server-in")
                        .endMetadata().withNewSpec().withNewPodSelector().addToMatchLabels("app", "server").endPodSelector()
                        .addNewIngress().addNewPort().withNewPort(9000 + change).endPort().endIngress().endSpec().build();
                long t0 = System.nanoTime();
                var policies = api.client().network().v1().networkPolicies().inNamespace("x");
                if (change == 0) {
                    policies.resource(policy).create();
                } else {
                    policies.withName("server-in").edit(p -> new NetworkPolicyBuilder(p).withSpec(policy.getSpec()).build());
                }
                boolean seenOpen = false;
                long window = -1;
                while ((System.nanoTime() - t0) / 1_000_000 < deadlineMillis) {
                    long sent = (System.nanoTime() - t0) / 1_000_000;
                    Outcome o = prober.probe(new ProbeTask("b" + change + "-" + sent, Protocol.TCP, refs[0].ip(), 80, null,
                            null, null, 1, 100, 200, 299, refs[1], refs[0]), "bench").get(10, TimeUnit.SECONDS).outcome();
                    if (o == Outcome.CONNECTED) {
                        seenOpen = true;
                    } else if (seenOpen) {
                        window = sent;
                        break;
                    }
                    Thread.sleep(25);
                }
                System.out.printf(Locale.ROOT, "  change %2d: %s%n", change + 1,
                        window < 0 ? "no window seen" : "open for " + window + " ms");
                if (window >= 0) {
                    windows.add(window);
                }
                Thread.sleep(300);
            }
            if (windows.isEmpty()) {
                throw new IllegalStateException("no window was seen in " + changes + " changes");
            }
            return windows;
        } finally {
            while (!running.isEmpty()) {
                try {
                    running.pop().close();
                } catch (Exception e) {
                    // the namespaces go with the dataplane
                }
            }
        }
    }
}
