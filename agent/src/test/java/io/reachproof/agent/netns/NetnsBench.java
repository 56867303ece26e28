package io.reachproof.agent.netns;

import io.reachproof.agent.Transport;
import io.reachproof.agent.probe.Prober;
import io.reachproof.agent.probe.SocketPlacement;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PodRef;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Probe throughput from inside 1, 10 and 200 pod network namespaces against the same target, next to the same
 * probes from the agent's own namespace, on real namespaces (a node with a bridge; the host namespace joins the
 * bridge through a veth, so every source crosses one veth and the bridge to reach the target pod). Also the
 * agent's RSS and threads with 200 namespaces entered. Run as root.
 */
public final class NetnsBench {

    private NetnsBench() {
    }

    public static void main(String[] args) throws Exception {
        int probes = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = 3;
        try (LabNode node = LabNode.create()) {
            String target = node.addPod("target", 250);
            String hostIp = node.joinHost(1);
            List<String> sources = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                node.addPod("p" + i, 2 + i);
                sources.add("p" + i);
            }
            System.err.printf(Locale.ROOT, "bench-netns: 200 pod namespaces made in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            ServerSocket listener;
            try (NetnsThread inTarget = NetnsThread.enter(NamedNetns.resolve(node.namespaceOf("target")))) {
                listener = inTarget.make(() -> {
                    ServerSocket s = new ServerSocket();
                    s.bind(new InetSocketAddress("0.0.0.0", 8080), 4096);
                    return s;
                });
            }
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (Socket s = listener.accept()) {
                        // closed at once: the prober's connect completed before; it resets its side itself
                        s.getLocalPort();
                    } catch (Exception closed) {
                        // bench over
                    }
                }
            }, "target-accept");
            acceptor.setDaemon(true);
            acceptor.start();

            Map<String, NetnsRef> refs = new HashMap<>();
            for (String p : sources) {
                refs.put(p, NamedNetns.resolve(node.namespaceOf(p)));
            }
            long rssBefore = rssKb();
            int threadsBefore = Thread.activeCount();
            try (NetnsSockets sockets = new NetnsSockets(Clock.systemUTC(), Duration.ofHours(1));
                    Prober prober = new Prober("bench", 256, 1, Transport.detect(), Clock.systemUTC())) {
                prober.placeSocketsWith(SocketPlacement.fromSourcePod(pod -> Optional.ofNullable(refs.get(pod.name())), sockets));
                System.out.printf(Locale.ROOT, "TCP connect probes to one target pod (%s:8080), %d per run, 256 in flight, best"
                        + " of %d runs; 2 cores shared%n", target, probes, rounds);
                System.out.printf(Locale.ROOT, "%-34s %12s %10s %s%n", "sources", "probes/s", "vs host", "outcomes");
                double host = run(prober, probes, rounds, target, List.of(), "host namespace (" + hostIp + ")", 0);
                // the probing itself grows the heap: what the namespaces add is measured from here
                long rssHostProbed = rssKb();
                int threadsHostProbed = Thread.activeCount();
                long fdsHostProbed = openFds();
                for (int n : new int[] {1, 10, 200}) {
                    run(prober, probes, rounds, target, sources.subList(0, n), n + " pod namespace" + (n > 1 ? "s" : ""), host);
                }
                long rssAfter = rssKb();
                System.out.printf(Locale.ROOT, "agent RSS %d MB at start, %d MB after the host-namespace probes, %d MB with %d"
                        + " namespaces entered (%d threads more than after the host probes, %d at start; %d open fds more)%n",
                        rssBefore / 1024, rssHostProbed / 1024, rssAfter / 1024, sockets.entered(),
                        Thread.activeCount() - threadsHostProbed, threadsBefore, openFds() - fdsHostProbed);
            }
            listener.close();
        }
    }

    private static double run(Prober prober, int probes, int rounds, String target, List<String> sources, String label,
            double host) throws Exception {
        double best = 0;
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        for (int r = 0; r < rounds; r++) {
            outcomes.clear();
            Semaphore window = new Semaphore(256);
            List<CompletableFuture<ProbeResult>> all = new ArrayList<>(probes);
            long t0 = System.nanoTime();
            for (int i = 0; i < probes; i++) {
                PodRef from = sources.isEmpty() ? null
                        : new PodRef("bench", sources.get(i % sources.size()), "uid", "0.0.0.0");
                window.acquire();
                CompletableFuture<ProbeResult> f = prober.probe(new ProbeTask("t" + i, Protocol.TCP, target, 8080, null, null,
                        null, 1, 2000, 200, 299, from, null), "bench");
                f.whenComplete((x, e) -> window.release());
                all.add(f);
            }
            String firstError = null;
            for (CompletableFuture<ProbeResult> f : all) {
                ProbeResult result = f.get(30, TimeUnit.SECONDS);
                outcomes.merge(result.outcome(), 1, Integer::sum);
                if (result.outcome() != Outcome.CONNECTED && firstError == null) {
                    firstError = result.outcome() + ": " + result.detail();
                }
            }
            if (firstError != null && r == 0) {
                System.err.println("bench-netns: " + label + ": first failure: " + firstError);
            }
            best = Math.max(best, probes / ((System.nanoTime() - t0) / 1e9));
        }
        System.out.printf(Locale.ROOT, "%-34s %12.0f %10s %s%n", label, best,
                host == 0 ? "" : String.format(Locale.ROOT, "%+.1f %%", (best / host - 1) * 100), outcomes);
        return best;
    }

    private static long openFds() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
