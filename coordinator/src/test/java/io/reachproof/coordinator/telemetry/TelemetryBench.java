package io.reachproof.coordinator.telemetry;

import io.reachproof.coordinator.api.ApiRequest;
import io.reachproof.coordinator.round.RoundListener;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.Verdict;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code scripts/bench-telemetry}: what telemetry costs the coordinator's round thread per finished round
 * (metrics only, and metrics + spans to a loopback OTLP receiver) and what one {@code /metrics} scrape
 * costs, for a lab round (46 cells) and a large one. Prints figures; asserts nothing.
 */
final class TelemetryBench {

    private TelemetryBench() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        for (int perGroup : new int[] {3, 30}) {
            RoundReport round = round(perGroup);
            try (Telemetry metricsOnly = Telemetry.builder().build()) {
                out.printf("%-34s %6d cells %4d mismatches: onRound %s%n", "metrics only (" + perGroup + "/group)",
                        round.cells().size(), round.mismatches().size(), time(metricsOnly.roundListener(), round));
                out.printf("%-34s /metrics %s%n", "", scrape(metricsOnly));
            }
            try (OtlpReceiver receiver = new OtlpReceiver();
                    Telemetry traced = Telemetry.builder().properties(Map.of(
                            "otel.exporter.otlp.endpoint", receiver.endpoint(),
                            "otel.metric.export.interval", "3600000")).build()) {
                out.printf("%-34s %6d cells %4d mismatches: onRound %s%n", "metrics + spans (" + perGroup + "/group)",
                        round.cells().size(), round.mismatches().size(), time(traced.roundListener(), round));
            }
        }
    }

    private static String time(RoundListener listener, RoundReport round) {
        for (int i = 0; i < 200; i++) {
            listener.onRound(round);
        }
        int n = 500;
        long[] micros = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            listener.onRound(round);
            micros[i] = (System.nanoTime() - t) / 1_000;
        }
        return stats(micros);
    }

    private static String scrape(Telemetry telemetry) {
        ApiRequest get = new ApiRequest("GET", "/metrics", Map.of(), Map.of(), null);
        int bytes = 0;
        for (int i = 0; i < 50; i++) {
            bytes = telemetry.metricsRoute().handle(get).toCompletableFuture().join().body().length;
        }
        int n = 200;
        long[] micros = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            telemetry.metricsRoute().handle(get).toCompletableFuture().join();
            micros[i] = (System.nanoTime() - t) / 1_000;
        }
        return stats(micros) + ", " + bytes / 1024 + " KiB";
    }

    private static String stats(long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0);
        return String.format("mean %.0f µs, p50 %d µs, p99 %d µs (n=%d)", mean, sorted[sorted.length / 2],
                sorted[(int) (sorted.length * 0.99)], sorted.length);
    }

    /** The lab's three rules with {@code perGroup} agents per group spread over the three lab clusters. */
    static RoundReport round(int perGroup) {
        List<CellResult> cells = new ArrayList<>();
        List<Mismatch> mismatches = new ArrayList<>();
        for (int f = 0; f < perGroup; f++) {
            for (int c = 0; c < perGroup; c++) {
                cells.add(cell("frontend", f, "checkout", c, 7001, "TCP", "allow", ObservedVerdict.ALLOW, Outcome.CONNECTED));
                cells.add(cell("frontend", f, "checkout", c, 7003, "HTTP", "allow", ObservedVerdict.ALLOW, Outcome.CONNECTED));
                cells.add(cell("checkout", f, "payments", c, 7001, "TCP", "allow", ObservedVerdict.ALLOW, Outcome.CONNECTED));
                cells.add(cell("checkout", f, "payments", c, 7002, "UDP", "allow", ObservedVerdict.ALLOW, Outcome.CONNECTED));
                CellResult hole = cell("frontend", f, "payments", c, 7001, "TCP", "deny", ObservedVerdict.ALLOW,
                        Outcome.CONNECTED);
                cells.add(hole);
                mismatches.add(new Mismatch(hole, null));
            }
        }
        long now = System.currentTimeMillis();
        return new RoundReport("bench", "lab", now - 1_000, now, true, null, cells, mismatches, 1.0, List.of(),
                List.of(), Map.of("live", perGroup * 3, "lost", 0, "gone", 0), null);
    }

    private static CellResult cell(String fromGroup, int from, String toGroup, int to, int port, String protocol,
            String expected, ObservedVerdict observed, Outcome outcome) {
        return new CellResult(fromGroup, endpoint(fromGroup, from), toGroup, endpoint(toGroup, to), port, Protocol.parse(protocol),
                Verdict.parse(expected), observed, null, outcome, 1, 200 + from * 7L + to, "lab.yaml:14", null);
    }

    private static EndpointRef endpoint(String group, int i) {
        return new EndpointRef(group + "-" + i, LabReports.CLUSTERS[i % 3], LabReports.CLOUDS[i % 3],
                LabReports.REGIONS[i % 3], "node-" + i, "payments".equals(group) ? "payments" : "shop",
                group + "-" + i, "127.0.2." + (i + 1));
    }
}
