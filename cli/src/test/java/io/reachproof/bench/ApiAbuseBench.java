package io.reachproof.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What unauthenticated abuse of the coordinator's API costs the people who use it, measured on a real
 * coordinator process (a jar started with {@code java -jar JAR coordinator --config F} on loopback):
 * <ol>
 *   <li>baseline: latency of an admin route ({@code GET /v1/agents} with the admin token), one request at a time;</li>
 *   <li>flood: the same while 6 clients without a token post 4 MB result batches in a loop;</li>
 *   <li>stall: the same while 150 connections without a token each send the head and 2 MB of a 4 MB body and
 *       then stay silent, and the coordinator's RSS ({@code VmRSS}) before and during.</li>
 * </ol>
 * Given two jars ({@code --jar NEW --compare OLD}) it runs both and prints them side by side.
 */
public final class ApiAbuseBench {

    private static final String ADMIN = "bench-admin-token";
    private static final String CLUSTER_TOKEN = "bench-cluster-token";
    private static final int BODY = 4 * 1024 * 1024;

    private ApiAbuseBench() {
    }

    record Figures(String jar, double[] baseline, double[] flood, long floodRequests, double[] stall, long rssBeforeKb,
            long rssStallKb, int stallOpen) {
    }

    public static void main(String[] args) throws Exception {
        List<String> jars = new ArrayList<>();
        Duration scenario = Duration.ofSeconds(15);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar", "--compare" -> jars.add(args[++i]);
                case "--seconds" -> scenario = Duration.ofSeconds(Long.parseLong(args[++i]));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--jar JAR [--compare OLD_JAR] [--seconds N])");
            }
        }
        if (jars.isEmpty()) {
            throw new IllegalArgumentException("--jar JAR is required");
        }
        List<Figures> all = new ArrayList<>();
        for (String jar : jars) {
            all.add(run(Path.of(jar), scenario));
        }
        print(all, scenario);
    }

    private static Figures run(Path jar, Duration scenario) throws Exception {
        Path dir = Files.createTempDirectory("reachproof-abuse");
        Path expectations = dir.resolve("bench.yaml");
        Files.writeString(expectations, """
                apiVersion: reachproof.io/v1alpha1
                kind: ConnectivityExpectation
                metadata: {name: bench}
                spec:
                  interval: 1h
                  groups:
                    a: {namespace: a}
                  expect:
                    - {from: a, to: a, ports: ["7001/TCP"], verdict: allow}
                """);
        int port = freePort();
        Path config = dir.resolve("coordinator.yaml");
        Files.writeString(config, "bind: 127.0.0.1\nport: " + port + "\ntokens: {bench: " + CLUSTER_TOKEN + "}\nadminToken: "
                + ADMIN + "\nexpectations: [bench.yaml]\n");
        Process coordinator = new ProcessBuilder("java", "-Xmx512m", "-jar", jar.toString(), "coordinator", "--config",
                config.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("coordinator.log").toFile()).start();
        try {
            URI base = URI.create("http://127.0.0.1:" + port);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            waitUntilUp(http, base, coordinator, dir);
            System.err.printf("bench-api-abuse: %s: baseline%n", jar);
            double[] baseline = adminLatencies(http, base, scenario);
            System.err.printf("bench-api-abuse: %s: 6 unauthenticated 4 MB senders%n", jar);
            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicLong floodRequests = new AtomicLong();
            List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Thread t = new Thread(() -> flood(port, flooding, floodRequests), "flood-" + i);
                t.setDaemon(true);
                t.start();
                senders.add(t);
            }
            double[] flood = adminLatencies(http, base, scenario);
            flooding.set(false);
            for (Thread t : senders) {
                t.join(10_000);
            }
            Thread.sleep(2000);
            long rssBefore = rssKb(coordinator.pid());
            System.err.printf("bench-api-abuse: %s: 150 stalled partial 4 MB bodies%n", jar);
            List<Socket> stalled = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                Socket s = new Socket();
                try {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    OutputStream out = s.getOutputStream();
                    out.write(("POST /v1/results HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                            + BODY + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    byte[] half = new byte[BODY / 2];
                    Arrays.fill(half, (byte) ' ');
                    out.write(half);
                    out.flush();
                    stalled.add(s);
                } catch (IOException refused) {
                    s.close();
                }
            }
            double[] stall = adminLatencies(http, base, scenario);
            long rssStall = rssKb(coordinator.pid());
            int open = 0;
            for (Socket s : stalled) {
                try {
                    s.getOutputStream().write(' ');
                    s.getOutputStream().flush();
                    if (s.getInputStream().available() == 0) {
                        open++;
                    }
                } catch (IOException closed) {
                    // the server answered and closed it
                }
                s.close();
            }
            return new Figures(jar.toString(), baseline, flood, floodRequests.get(), stall, rssBefore, rssStall, open);
        } finally {
            coordinator.destroy();
            coordinator.waitFor();
        }
    }

    /** One sender: posts a 4 MB body without a token, reads the answer, again, until told to stop. */
    private static void flood(int port, AtomicBoolean flooding, AtomicLong requests) {
        byte[] body = resultsBody();
        byte[] head = ("POST /v1/results HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + BODY
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] sink = new byte[65536];
        while (flooding.get()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(head);
                try {
                    out.write(body);
                    out.flush();
                } catch (IOException refusedEarly) {
                    // answered from the head and closed: the new coordinator does that
                }
                while (in.read(sink) > 0 && in.available() > 0) {
                    // the answer
                }
                requests.incrementAndGet();
            } catch (IOException e) {
                requests.incrementAndGet();
            }
        }
    }

    /**
     * A 4 MB result batch that is costly to parse (tens of thousands of result objects): what a coordinator that
     * reads before it authenticates spends its cores on.
     */
    static byte[] resultsBody() {
        StringBuilder b = new StringBuilder(BODY).append("{\"agentId\":\"frontend-0\",\"results\":[");
        String item = "{\"resultId\":\"r-%08d\",\"taskId\":\"t\",\"agentId\":\"frontend-0\",\"roundId\":\"lab-1\","
                + "\"outcome\":\"CONNECTED\",\"latencyMicros\":1,\"attempts\":1,\"atEpochMillis\":1},";
        for (int i = 0; b.length() + item.length() + 2 < BODY; i++) {
            b.append(String.format(Locale.ROOT, item, i));
        }
        b.setLength(b.length() - 1);
        b.append("]}");
        while (b.length() < BODY) {
            b.append(' ');
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Admin-route latencies in ms, one request at a time for {@code duration}; a failed request counts its time. */
    private static double[] adminLatencies(HttpClient http, URI base, Duration duration) throws InterruptedException {
        List<Double> ms = new ArrayList<>();
        long end = System.nanoTime() + duration.toNanos();
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/agents")).header("Authorization", "Bearer " + ADMIN)
                .timeout(Duration.ofSeconds(10)).GET().build();
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            try {
                http.send(request, HttpResponse.BodyHandlers.discarding());
            } catch (IOException failed) {
                // counted with its time
            }
            ms.add((System.nanoTime() - t0) / 1e6);
            Thread.sleep(50);
        }
        double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new double[] {percentile(sorted, 0.50), percentile(sorted, 0.95), percentile(sorted, 0.99), sorted.length};
    }

    private static double percentile(double[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static void waitUntilUp(HttpClient http, URI base, Process p, Path dir) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the coordinator exited: " + Files.readString(dir.resolve("coordinator.log")));
            }
            try {
                if (http.send(HttpRequest.newBuilder(base.resolve("/v1/agents")).header("Authorization", "Bearer " + ADMIN)
                        .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the coordinator did not answer within 60 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void print(List<Figures> all, Duration scenario) {
        System.out.printf(Locale.ROOT, "admin route GET /v1/agents, one request at a time, %d s per scenario; 2 cores shared%n",
                scenario.toSeconds());
        System.out.printf(Locale.ROOT, "%-52s %-8s %10s %10s %10s %9s%n", "scenario", "build", "p50 ms", "p95 ms", "p99 ms",
                "requests");
        for (String what : List.of("baseline", "flood", "stall")) {
            for (int i = 0; i < all.size(); i++) {
                Figures f = all.get(i);
                double[] v = what.equals("baseline") ? f.baseline() : what.equals("flood") ? f.flood() : f.stall();
                String label = what.equals("baseline") ? "idle"
                        : what.equals("flood") ? "6 unauthenticated senders of 4 MB bodies (" + f.floodRequests() + " sent)"
                        : "150 stalled unauthenticated partial 4 MB bodies";
                System.out.printf(Locale.ROOT, "%-52s %-8s %10.1f %10.1f %10.1f %9.0f%n", label, i == 0 ? "this" : "compare",
                        v[0], v[1], v[2], v[3]);
            }
        }
        for (int i = 0; i < all.size(); i++) {
            Figures f = all.get(i);
            System.out.printf(Locale.ROOT, "RSS %-8s before %4d MB, with 150 stalled bodies %4d MB; stalled connections still"
                    + " open at the end: %d of 150   (%s)%n", i == 0 ? "this" : "compare", f.rssBeforeKb() / 1024,
                    f.rssStallKb() / 1024, f.stallOpen(), f.jar());
        }
    }
}
