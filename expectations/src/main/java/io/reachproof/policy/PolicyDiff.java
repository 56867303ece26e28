package io.reachproof.policy;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Every cell whose verdict differs between two truth tables of one cluster: policies before and after a
 * change, over the same topology or over the topology before and after a workload change. Cells are matched by
 * pod names and port; a cell only one table has (a pod or port added or removed) is a change from or to
 * absent. {@code diff(A, B)} is exactly the cells of {@code compile(B)} that {@code compile(A)} does not print
 * with the same verdict, plus the cells of A that B no longer has.
 */
public final class PolicyDiff {

    private PolicyDiff() {
    }

    /**
     * One changed cell: {@code before} or {@code after} is empty when that table has no such cell.
     * {@link #explanation()} is why the cell has its new verdict (or, for a removed cell, had its old one), worked
     * out from {@code why} when asked for.
     */
    public record Change(String cluster, PodRef from, PodRef to, PodPort port, Optional<Verdict> before,
            Optional<Verdict> after, Supplier<Explanation> why) {

        public Change {
            requireNonNull(cluster, "cluster");
            requireNonNull(from, "from");
            requireNonNull(to, "to");
            requireNonNull(port, "port");
            requireNonNull(before, "before");
            requireNonNull(after, "after");
            requireNonNull(why, "why");
            if (before.equals(after)) {
                throw new IllegalArgumentException("a change needs different verdicts: " + before);
            }
        }

        /** Why the cell has its verdict after the change (before it, for a cell that is gone). */
        public Explanation explanation() {
            return why.get();
        }

        /** Whether the change opens the cell (to allow from deny or absent). */
        public boolean opens() {
            return after.isPresent() && after.get() == Verdict.ALLOW;
        }

        /** Whether the change closes the cell (to deny from allow or absent). */
        public boolean closes() {
            return after.isPresent() && after.get() == Verdict.DENY;
        }
    }

    /** The changed cells in table order of {@code after}, then the cells only {@code before} has. */
    public static List<Change> diff(String cluster, TruthTable before, TruthTable after) {
        requireNonNull(cluster, "cluster");
        List<PodRef> afterPods = after.pods();
        int[] beforeIndex = new int[afterPods.size()];
        for (int i = 0; i < beforeIndex.length; i++) {
            OptionalInt b = before.indexOf(afterPods.get(i).toString());
            beforeIndex[i] = b.isPresent() ? b.getAsInt() : -1;
        }
        int[][] beforePort = new int[afterPods.size()][];
        for (int to = 0; to < afterPods.size(); to++) {
            List<PodPort> ports = after.ports(to);
            beforePort[to] = new int[ports.size()];
            for (int k = 0; k < ports.size(); k++) {
                beforePort[to][k] = beforeIndex[to] < 0 ? -1
                        : before.portIndex(beforeIndex[to], ports.get(k).port(), ports.get(k).protocol());
            }
        }
        List<Change> changes = new ArrayList<>();
        for (int from = 0; from < afterPods.size(); from++) {
            int bFrom = beforeIndex[from];
            after.forEachCellFrom(from, (f, to, port, allowed) -> {
                Verdict now = allowed ? Verdict.ALLOW : Verdict.DENY;
                int k = after.portIndex(to, port.port(), port.protocol());
                int bk = beforePort[to][k];
                Optional<Verdict> was = bFrom < 0 || bk < 0 ? Optional.empty()
                        : Optional.of(before.verdict(bFrom, beforeIndex[to], bk));
                if (was.isEmpty() || was.get() != now) {
                    changes.add(new Change(cluster, afterPods.get(f), afterPods.get(to), port, was, Optional.of(now),
                            () -> after.explain(f, to, port.port(), port.protocol())));
                }
            });
        }
        List<PodRef> beforePods = before.pods();
        int[] afterIndex = new int[beforePods.size()];
        boolean[][] gone = new boolean[beforePods.size()][];
        boolean anyGone = false;
        for (int i = 0; i < afterIndex.length; i++) {
            OptionalInt a = after.indexOf(beforePods.get(i).toString());
            afterIndex[i] = a.isPresent() ? a.getAsInt() : -1;
            List<PodPort> ports = before.ports(i);
            gone[i] = new boolean[ports.size()];
            for (int k = 0; k < ports.size(); k++) {
                gone[i][k] = afterIndex[i] < 0
                        || after.portIndex(afterIndex[i], ports.get(k).port(), ports.get(k).protocol()) < 0;
                anyGone |= gone[i][k];
            }
            anyGone |= afterIndex[i] < 0;
        }
        for (int from = 0; anyGone && from < beforePods.size(); from++) {
            boolean sourceGone = afterIndex[from] < 0;
            before.forEachCellFrom(from, (f, to, port, allowed) -> {
                if (sourceGone || gone[to][before.portIndex(to, port.port(), port.protocol())]) {
                    changes.add(new Change(cluster, beforePods.get(f), beforePods.get(to), port,
                            Optional.of(allowed ? Verdict.ALLOW : Verdict.DENY), Optional.empty(),
                            () -> before.explain(f, to, port.port(), port.protocol())));
                }
            });
        }
        return changes;
    }
}
