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
import java.util.LinkedHashMap;
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

    private static final int WARM_UP = 2;

    private NetnsBench() {
    }

    public static void main(String[] args) throws Exception {
        int probes = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = 5;
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
            try (NetnsSockets sockets = new NetnsSockets(Clock.systemUTC(), Duration.ofHours(1));
                    Prober prober = new Prober("bench", 256, 1, Transport.detect(), Clock.systemUTC())) {
                prober.placeSocketsWith(SocketPlacement.fromSourcePod(pod -> Optional.ofNullable(refs.get(pod.name())), sockets));
                System.out.printf(Locale.ROOT, "TCP connect probes to one target pod (%s:8080), %d per run, 256 in flight, best"
                        + " of %d runs, the sources taking turns (so a busy moment of the shared machine hits all alike),"
                        + " after %d warm-up runs from the host; 2 cores shared%n", target, probes, rounds, WARM_UP);
                for (int i = 0; i < WARM_UP; i++) {
                    once(prober, probes, target, List.of(), "warm-up");
                }
                // the probing itself grows the heap: what the namespaces add is measured from here
                long rssHostProbed = rssKb();
                int threadsHostProbed = Thread.activeCount();
                long fdsHostProbed = openFds();
                Map<String, List<String>> fromWhere = new LinkedHashMap<>();
                fromWhere.put("host namespace (" + hostIp + ")", List.of());
                for (int n : new int[] {1, 10, 200}) {
                    fromWhere.put(n + " pod namespace" + (n > 1 ? "s" : ""), sources.subList(0, n));
                }
                Map<String, Double> best = new LinkedHashMap<>();
                Map<String, Map<Outcome, Integer>> outcomes = new LinkedHashMap<>();
                for (int r = 0; r < rounds; r++) {
                    for (Map.Entry<String, List<String>> from : fromWhere.entrySet()) {
                        Map<Outcome, Integer> seen = new EnumMap<>(Outcome.class);
                        double rate = once(prober, probes, target, from.getValue(), from.getKey(), seen);
                        best.merge(from.getKey(), rate, Math::max);
                        outcomes.computeIfAbsent(from.getKey(), k -> new EnumMap<>(Outcome.class));
                        seen.forEach((o, c) -> outcomes.get(from.getKey()).merge(o, c, Integer::sum));
                    }
                }
                long rssAfter = rssKb();
                System.out.printf(Locale.ROOT, "%-34s %12s %10s %s%n", "sources", "probes/s", "vs host", "outcomes (all runs)");
                double host = best.values().iterator().next();
                best.forEach((label, rate) -> System.out.printf(Locale.ROOT, "%-34s %12.0f %10s %s%n", label, rate,
                        rate == host ? "" : String.format(Locale.ROOT, "%+.1f %%", (rate / host - 1) * 100),
                        outcomes.get(label)));
                System.out.printf(Locale.ROOT, "agent RSS %d MB at start, %d MB after the warm-up probes from the host, %d MB"
                        + " with %d namespaces entered (%d threads and %d open fds more than after the warm-up)%n",
                        rssBefore / 1024, rssHostProbed / 1024, rssAfter / 1024, sockets.entered(),
                        Thread.activeCount() - threadsHostProbed, openFds() - fdsHostProbed);
            }
            listener.close();
        }
    }

    private static double once(Prober prober, int probes, String target, List<String> sources, String label)
            throws Exception {
        return once(prober, probes, target, sources, label, new EnumMap<>(Outcome.class));
    }

    /** One run of {@code probes} probes from {@code sources} in turn (none: the host); probes per second. */
    private static double once(Prober prober, int probes, String target, List<String> sources, String label,
            Map<Outcome, Integer> outcomes) throws Exception {
        Semaphore window = new Semaphore(256);
        List<CompletableFuture<ProbeResult>> all = new ArrayList<>(probes);
        long t0 = System.nanoTime();
        for (int i = 0; i < probes; i++) {
            PodRef from = sources.isEmpty() ? null : new PodRef("bench", sources.get(i % sources.size()), "uid", "0.0.0.0");
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
        double rate = probes / ((System.nanoTime() - t0) / 1e9);
        if (firstError != null) {
            System.err.println("bench-netns: " + label + ": first failure: " + firstError);
        }
        return rate;
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
