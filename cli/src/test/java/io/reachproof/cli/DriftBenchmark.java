package io.reachproof.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The figures of {@code scripts/bench-drift}: {@code drift} over a snapshot of 6 clusters of the bench network
 * (2,000 pods, 300 policies each; the sixth carries the 20 changed policies of the bench's "after" set), next to the
 * 6 {@code compile} runs a comparison of the clusters' reachability needs at least, in one warm JVM.
 */
public final class DriftBenchmark {

    private static final int CLUSTERS = 6;

    private DriftBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Path snapshot = dir.resolve("snapshot");
        for (int i = 1; i <= CLUSTERS; i++) {
            Path cluster = Files.createDirectories(snapshot.resolve("cluster-" + i).resolve("policies"));
            Files.copy(dir.resolve("topology.json"), cluster.getParent().resolve("topology.yaml"));
            Files.copy(dir.resolve(i == CLUSTERS ? "after" : "before").resolve("policies.json"), cluster.resolve("policies.json"));
        }
        List<CheckDiffBenchmark.Figure> figures = new java.util.ArrayList<>();
        for (int i = 1; i <= CLUSTERS; i++) {
            Path cluster = snapshot.resolve("cluster-" + i);
            figures.add(CheckDiffBenchmark.measure("compile cluster-" + i + " (table)", "compile", "--policies",
                    cluster.resolve("policies").toString(), "--topology", cluster.resolve("topology.yaml").toString()));
        }
        CheckDiffBenchmark.Figure drift = CheckDiffBenchmark.measure("drift (json)", "drift", "--snapshot", snapshot.toString(),
                "--format", "json");
        CheckDiffBenchmark.Figure text = CheckDiffBenchmark.measure("drift (text)", "drift", "--snapshot", snapshot.toString());
        System.out.println(CLUSTERS + " clusters x (2,000 pods, 50 namespaces, 300 policies, 2 ports), one with 20 changed"
                + " policies; best / median of 3 runs after 1 warm-up, in one JVM");
        long compiles = 0;
        for (CheckDiffBenchmark.Figure f : figures) {
            compiles += f.medianMillis();
        }
        for (CheckDiffBenchmark.Figure f : List.of(drift, text)) {
            System.out.println(String.format(Locale.ROOT, "  %-32s %6d ms / %6d ms   exit %d, %,d chars of output",
                    f.name(), f.bestMillis(), f.medianMillis(), f.exit(), f.outputChars()));
        }
        System.out.println(String.format(Locale.ROOT, "  %-32s %6s      %6d ms (%d ms each, median of medians)",
                CLUSTERS + " compiles (sum of medians)", "", compiles, figures.get(CLUSTERS / 2).medianMillis()));
    }
}
