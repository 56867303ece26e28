package io.reachproof.policy;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The truth table of 2,000 pods in 50 namespaces, 300 policies, 2 ports per pod (7,996,000 cells), on one
 * thread: the engine (compile + stream every cell; streaming only) against the naive per-cell evaluator
 * (on {@link #NAIVE_ROWS} source rows, it is far too slow for the whole table). Run with
 * {@code scripts/bench-policy}; {@link #main} prints cells per second, the whole-table time and heap.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class PolicyEngineBenchmark {

    static final int PODS = 2000;
    static final int NAMESPACES = 50;
    static final int POLICIES = 300;
    static final int NAIVE_ROWS = 10;

    RandomNetwork.Network network;
    PolicyInput input;
    TruthTable table;
    NaivePolicyEvaluator naive;

    @Setup(Level.Trial)
    public void setUp() {
        network = RandomNetwork.large(42, NAMESPACES, PODS, POLICIES);
        input = network.input();
        table = network.table();
        naive = network.naive();
    }

    /** Compile (selectors, peers, unions) and stream every cell: the whole table. */
    @Benchmark
    public long wholeTable() {
        TruthTable t = PolicyEngine.compile(input).table().orElseThrow();
        return countAllowed(t);
    }

    /** Compile only. */
    @Benchmark
    public TruthTable compile() {
        return PolicyEngine.compile(input).table().orElseThrow();
    }

    /** Stream every cell of a compiled table. */
    @Benchmark
    public long streamCells() {
        return countAllowed(table);
    }

    /** The naive evaluator on the first rows. */
    @Benchmark
    public void naiveRows(Blackhole hole) {
        for (int row = 0; row < NAIVE_ROWS; row++) {
            hole.consume(naive.cellsFrom(row));
        }
    }

    private static long countAllowed(TruthTable t) {
        long[] allowed = {0};
        t.forEachCell((from, to, port, allow) -> {
            if (allow) {
                allowed[0]++;
            }
        });
        return allowed[0];
    }

    /** Runs the benchmarks and prints the figures. */
    public static void main(String[] args) throws RunnerException {
        PolicyEngineBenchmark state = new PolicyEngineBenchmark();
        long heapBefore = usedHeapAfterGc();
        state.network = RandomNetwork.large(42, NAMESPACES, PODS, POLICIES);
        long heapInput = usedHeapAfterGc();
        state.table = state.network.table();
        long heapTable = usedHeapAfterGc();
        long cells = state.table.cellCount();
        long allowed = countAllowed(state.table);
        long naiveCells = 0;
        NaivePolicyEvaluator naive = state.network.naive();
        for (int row = 0; row < NAIVE_ROWS; row++) {
            List<TruthTable.Cell> fast = new java.util.ArrayList<>();
            int r = row;
            state.table.forEachCellFrom(row, (from, to, port, allow) -> fast.add(new TruthTable.Cell(
                    state.table.pods().get(r).toString(), state.table.pods().get(to).toString(), port.port(),
                    port.protocol(), allow ? io.reachproof.protocol.Verdict.ALLOW : io.reachproof.protocol.Verdict.DENY)));
            List<TruthTable.Cell> slow = naive.cellsFrom(row);
            if (!fast.equals(slow)) {
                throw new IllegalStateException("engine and naive evaluator disagree on row " + row);
            }
            naiveCells += slow.size();
        }
        List<String> summary = new java.util.ArrayList<>();
        summary.add(String.format(Locale.ROOT, "table: %d pods, %d namespaces, %d policies, %,d cells (%.1f%% allow);"
                        + " engine == naive on the first %d rows",
                PODS, NAMESPACES, POLICIES, cells, 100.0 * allowed / cells, NAIVE_ROWS));
        summary.add(String.format(Locale.ROOT, "heap (used after GC): input objects %.1f MB, compiled table %.1f MB",
                (heapInput - heapBefore) / 1e6, (heapTable - heapInput) / 1e6));

        var options = new OptionsBuilder().include(PolicyEngineBenchmark.class.getSimpleName()).build();
        for (RunResult result : new Runner(options).run()) {
            String name = result.getParams().getBenchmark().replaceAll(".*\\.", "");
            double ms = result.getPrimaryResult().getScore();
            double error = result.getPrimaryResult().getScoreError();
            long n = name.equals("naiveRows") ? naiveCells : name.equals("compile") ? 0 : cells;
            summary.add(String.format(Locale.ROOT, "%-12s %10.2f ms +- %6.2f%s", name, ms, error,
                    n == 0 ? "" : String.format(Locale.ROOT, "   %,15.0f cells/s (%,d cells)", n / (ms / 1000), n)));
        }
        System.out.println();
        System.out.println("== policy engine benchmark (one thread) ==");
        summary.forEach(System.out::println);
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
