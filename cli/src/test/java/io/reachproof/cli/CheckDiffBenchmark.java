package io.reachproof.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/**
 * The figures of {@code scripts/bench-check}: {@code check} and {@code diff} next to two {@code compile} runs, each
 * in-process (the JVM warm, as in a CI job after the first command), every command reading its YAML/JSON files and
 * writing its output to a discarding writer. Prints the best and median of {@code RUNS} runs after a warm-up.
 */
public final class CheckDiffBenchmark {

    private static final int WARMUPS = 1;
    private static final int RUNS = 3;

    private CheckDiffBenchmark() {
    }

    /** Bytes written, to keep the output alive without holding it. */
    private static final class CountingWriter extends Writer {
        long chars;

        @Override
        public void write(char[] buf, int off, int len) {
            chars += len;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    record Figure(String name, long bestMillis, long medianMillis, int exit, long outputChars) {
    }

    static Figure measure(String name, String... args) {
        long[] times = new long[RUNS];
        int exit = 0;
        long chars = 0;
        for (int i = -WARMUPS; i < RUNS; i++) {
            CommandLine cmd = Main.commandLine();
            CountingWriter out = new CountingWriter();
            cmd.setOut(new PrintWriter(out));
            cmd.setErr(new PrintWriter(Writer.nullWriter()));
            long start = System.nanoTime();
            exit = cmd.execute(args);
            long took = System.nanoTime() - start;
            if (i >= 0) {
                times[i] = took / 1_000_000;
            }
            chars = out.chars;
        }
        Arrays.sort(times);
        return new Figure(name, times[0], times[RUNS / 2], exit, chars);
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        String topology = dir.resolve("topology.json").toString();
        String before = dir.resolve("before").toString();
        String after = dir.resolve("after").toString();
        String expectations = dir.resolve("expectations.yaml").toString();
        List<Figure> figures = new ArrayList<>();
        figures.add(measure("compile before (json)", "compile", "--policies", before, "--topology", topology, "--format", "json"));
        figures.add(measure("compile after (json)", "compile", "--policies", after, "--topology", topology, "--format", "json"));
        figures.add(measure("check (json)", "check", "--expectations", expectations, "--policies", after, "--topology", topology,
                "--format", "json"));
        figures.add(measure("check (text)", "check", "--expectations", expectations, "--policies", after, "--topology", topology));
        figures.add(measure("diff (json)", "diff", "--before", before, "--after", after, "--topology", topology, "--format", "json"));
        figures.add(measure("diff (markdown)", "diff", "--before", before, "--after", after, "--topology", topology,
                "--format", "markdown"));
        figures.add(measure("diff + expectations (markdown)", "diff", "--before", before, "--after", after, "--topology",
                topology, "--expectations", expectations, "--format", "markdown"));
        System.out.println("2,000 pods, 50 namespaces, 300 policies, 2 ports; best / median of " + RUNS + " runs after "
                + WARMUPS + " warm-up, in one JVM");
        for (Figure f : figures) {
            System.out.println(String.format(Locale.ROOT, "  %-32s %6d ms / %6d ms   exit %d, %,d chars of output",
                    f.name(), f.bestMillis(), f.medianMillis(), f.exit(), f.outputChars()));
        }
        long twoCompiles = figures.get(0).medianMillis() + figures.get(1).medianMillis();
        System.out.println(String.format(Locale.ROOT, "  %-32s %6s      %6d ms", "two compiles (medians)", "", twoCompiles));
    }
}
