package io.reachproof.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachproof.agent.netns.NamedNetns;
import io.reachproof.agent.netns.NetnsRef;
import io.reachproof.agent.netns.NetnsSockets;
import io.reachproof.agent.netns.NetnsUnavailable;
import io.reachproof.agent.probe.Prober;
import io.reachproof.agent.probe.SocketPlacement;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code reachproof probe}: sends probes now and prints what each saw. */
@Command(
        name = "probe",
        description = "Sends TCP, UDP and HTTP probes and prints each outcome (CONNECTED, REFUSED, TIMEOUT, "
                + "UNREACHABLE, WRONG_PEER, ERROR) and a summary. Exit 0 when every probe ran, whatever the outcomes.",
        mixinStandardHelpOptions = true)
final class ProbeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "One JSON object per result, then a summary object.")
    boolean json;

    @Option(names = "--summary-only", description = "Print only the summary (for load runs).")
    boolean summaryOnly;

    @Option(names = "--timeout", defaultValue = "1s", converter = DurationConverter.class,
            description = "Deadline of one attempt (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--attempts", defaultValue = "1",
            description = "Tries per probe: UDP datagrams; TCP/HTTP retry after a timeout (default ${DEFAULT-VALUE}).")
    int attempts;

    @Option(names = "--concurrency", defaultValue = "1000", description = "Most probes in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--repeat", defaultValue = "1", description = "Probe the whole target list N times (default ${DEFAULT-VALUE}).")
    long repeat;

    @Option(names = "--expect-id", paramLabel = "ID", description = "The agent id that must answer (else WRONG_PEER).")
    String expectId;

    @Option(names = "--targets", paramLabel = "FILE", description = "More targets, one per line (# comments).")
    Path targetsFile;

    @Option(names = "--netns", paramLabel = "NAME|PATH", description = "Send the probes from this network namespace"
            + " (a name under /run/netns, as `ip netns` makes them, or a path such as /proc/PID/ns/net); needs root or"
            + " CAP_SYS_ADMIN.")
    String netns;

    @Parameters(paramLabel = "TARGET", arity = "0..*",
            description = "tcp://HOST:PORT, udp://HOST:PORT or http://HOST:PORT/PATH")
    List<String> targetArgs = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        List<ProbeTarget> targets = targets();
        check(attempts >= 1, "--attempts must be at least 1: " + attempts);
        check(concurrency >= 1, "--concurrency must be at least 1: " + concurrency);
        check(repeat >= 1, "--repeat must be at least 1: " + repeat);
        check(repeat <= Integer.MAX_VALUE / targets.size(), "--repeat times the number of targets must be at most "
                + Integer.MAX_VALUE + ": " + repeat + " x " + targets.size());
        long total = repeat * targets.size();
        PrintWriter out = spec.commandLine().getOut();
        ObjectMapper mapper = Json.mapper();
        Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            counts.put(o, 0L);
        }
        BlockingQueue<Done> done = new LinkedBlockingQueue<>();
        AtomicLong next = new AtomicLong();
        Map<Outcome, LongAdder> counters = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            counters.put(o, new LongAdder());
        }
        CountDownLatch finished = new CountDownLatch((int) Math.min(Integer.MAX_VALUE, total));
        long start;
        NetnsSockets namespaces = new NetnsSockets(Clock.systemUTC(), Duration.ofDays(1));
        try (namespaces; Prober prober = Prober.create("reachproof-cli", concurrency)) {
            if (netns != null) {
                try {
                    NetnsRef ref = NamedNetns.resolve(netns);
                    namespaces.stream(ref, prober.transport()); // entered now: a namespace that cannot be is exit 2
                    prober.placeSocketsWith(SocketPlacement.in(ref, namespaces));
                } catch (NetnsUnavailable e) {
                    // one line, no usage text: the namespace is what is wrong, not how the command was typed
                    spec.commandLine().getErr().println("reachproof probe: --netns " + netns + ": " + e.getMessage());
                    return 2;
                }
            }
            start = System.nanoTime();
            Runnable[] submitNext = new Runnable[1];
            submitNext[0] = () -> {
                long i = next.getAndIncrement();
                if (i >= total) {
                    return;
                }
                ProbeTarget t = targets.get((int) (i % targets.size()));
                ProbeTask task = ProbeTask.of(Long.toString(i), t.protocol(), t.host(), t.port(), t.path(),
                        t.path() == null ? null : "GET", expectId, attempts, timeout.toMillis());
                prober.probe(task, null).thenAccept(r -> {
                    if (summaryOnly) {
                        counters.get(r.outcome()).increment();
                        finished.countDown();
                    } else {
                        done.add(new Done(t, r));
                    }
                    submitNext[0].run();
                });
            };
            // keep the limiter busy without queueing the whole (possibly huge) repeat list
            for (long i = 0; i < Math.min(total, 2L * concurrency); i++) {
                submitNext[0].run();
            }
            if (summaryOnly) {
                finished.await();
                counters.forEach((o, n) -> counts.put(o, n.sum()));
            }
            List<Done> batch = new ArrayList<>();
            for (long seen = summaryOnly ? total : 0; seen < total; ) {
                batch.clear();
                batch.add(done.take());
                done.drainTo(batch);
                for (Done d : batch) {
                    counts.merge(d.result().outcome(), 1L, Long::sum);
                    out.println(json ? resultJson(mapper, d) : resultText(d));
                }
                seen += batch.size();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.println(json ? summaryJson(mapper, total, seconds, counts) : summaryText(total, seconds, counts));
        out.flush();
        return Main.EXIT_OK;
    }

    private record Done(ProbeTarget target, ProbeResult result) {
    }

    private List<ProbeTarget> targets() {
        List<ProbeTarget> targets = new ArrayList<>();
        for (String arg : targetArgs) {
            try {
                targets.add(ProbeTarget.parse(arg));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (targetsFile != null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(targetsFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "cannot read --targets " + targetsFile + ": " + e.getMessage());
            }
            for (int n = 0; n < lines.size(); n++) {
                String line = lines.get(n).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                try {
                    targets.add(ProbeTarget.parse(line));
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), targetsFile + ":" + (n + 1) + ": " + e.getMessage());
                }
            }
        }
        if (targets.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no targets: give TARGET arguments or --targets FILE");
        }
        return targets;
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    private static double millis(ProbeResult r) {
        return Math.round(r.latencyMicros() / 10.0) / 100.0;
    }

    private static String resultJson(ObjectMapper mapper, Done d) {
        ObjectNode node = mapper.createObjectNode();
        node.put("target", d.target().text());
        node.put("outcome", d.result().outcome().name());
        node.put("latencyMs", millis(d.result()));
        node.put("attempts", d.result().attempts());
        node.put("peer", d.result().peerId());
        node.put("detail", d.result().detail());
        return node.toString();
    }

    private static String resultText(Done d) {
        ProbeResult r = d.result();
        return String.format(Locale.ROOT, "%-40s %-11s %9.2f ms  attempts=%d%s  %s", d.target().text(), r.outcome(),
                millis(r), r.attempts(), r.peerId() == null ? "" : "  peer=" + r.peerId(), r.detail());
    }

    private static String summaryJson(ObjectMapper mapper, long total, double seconds, Map<Outcome, Long> counts) {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode summary = root.putObject("summary");
        summary.put("probes", total);
        summary.put("seconds", Math.round(seconds * 1000) / 1000.0);
        summary.put("probesPerSecond", Math.round(total / Math.max(seconds, 1e-9)));
        ObjectNode outcomes = summary.putObject("outcomes");
        counts.forEach((o, n) -> outcomes.put(o.name(), n));
        return root.toString();
    }

    private static String summaryText(long total, double seconds, Map<Outcome, Long> counts) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%d probes in %.3f s (%d/s):", total, seconds,
                Math.round(total / Math.max(seconds, 1e-9))));
        counts.forEach((o, n) -> {
            if (n > 0) {
                s.append(' ').append(o).append(' ').append(n);
            }
        });
        return s.toString();
    }
}
