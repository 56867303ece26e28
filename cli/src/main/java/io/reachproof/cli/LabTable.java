package io.reachproof.cli;

import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.MismatchText;
import io.reachproof.protocol.PairSummary;
import io.reachproof.protocol.RoundReport;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The lab's terminal view of one round: a header, group x group and cluster x cluster tables of observed
 * allow / deny, mismatches and inconclusive cells, and every mismatch with its detail.
 */
final class LabTable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final int MAX_MISMATCH_LINES = 20;

    private LabTable() {
    }

    static String render(RoundReport r) {
        if (r.cells().isEmpty()) {
            return "round " + r.roundId() + " of " + r.expectation() + " at "
                    + TIME.format(Instant.ofEpochMilli(r.finishedAtEpochMillis())) + " UTC: nothing to prove yet, no agent"
                    + " is in its groups (agents " + states(r.agentsByState()) + ")\n";
        }
        StringBuilder b = new StringBuilder(2048);
        b.append("round ").append(r.roundId()).append(" of ").append(r.expectation()).append(" at ")
                .append(TIME.format(Instant.ofEpochMilli(r.finishedAtEpochMillis()))).append(" UTC: ")
                .append(r.cells().size()).append(" cells, coverage ").append(Math.round(r.coverage() * 100)).append("%, ")
                .append(r.mismatches().size()).append(r.mismatches().size() == 1 ? " mismatch" : " mismatches")
                .append(", agents ").append(states(r.agentsByState()))
                .append(r.complete() ? "" : " (closed at its deadline)").append('\n');
        if (r.suspectChange() != null) {
            b.append("suspect change: ").append(r.suspectChange()).append('\n');
        }
        b.append('\n');
        int width = Math.max(width("group -> group", r.groupPairs()), width("cluster -> cluster", r.clusterPairs()));
        table(b, "group -> group", r.groupPairs(), width);
        b.append('\n');
        table(b, "cluster -> cluster", r.clusterPairs(), width);
        Map<String, Long> reasons = InconclusiveReason.countIn(r.cells());
        if (!reasons.isEmpty()) {
            b.append("\ninconclusive: ").append(reasons.toString().replace("{", "").replace("}", "")).append('\n');
        }
        b.append('\n');
        if (r.mismatches().isEmpty()) {
            b.append("no mismatches: every proven cell is as expected\n");
        } else {
            b.append("MISMATCHES\n");
            List<Mismatch> shown = r.mismatches().subList(0, Math.min(MAX_MISMATCH_LINES, r.mismatches().size()));
            for (Mismatch m : shown) {
                b.append(MismatchText.row(m)).append('\n');
            }
            if (r.mismatches().size() > shown.size()) {
                b.append("... and ").append(r.mismatches().size() - shown.size()).append(" more (GET /v1/rounds/latest)\n");
            }
        }
        return b.toString();
    }

    private static String states(Map<String, Integer> byState) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(byState).forEach((s, n) -> {
            if (n > 0) {
                b.append(b.length() == 0 ? "" : ", ").append(s).append(' ').append(n);
            }
        });
        return b.length() == 0 ? "none" : b.toString();
    }

    private static int width(String title, List<PairSummary> pairs) {
        int width = title.length();
        for (PairSummary p : pairs) {
            width = Math.max(width, p.from().length() + 4 + p.to().length());
        }
        return width;
    }

    private static void table(StringBuilder b, String title, List<PairSummary> pairs, int width) {
        String row = "%-" + width + "s  %6s  %6s  %9s  %13s%n";
        b.append(String.format(row, title, "allow", "deny", "mismatch", "inconclusive"));
        for (PairSummary p : pairs) {
            b.append(String.format(row, p.from() + " -> " + p.to(), p.allow(), p.deny(),
                    p.mismatches() > 0 ? p.mismatches() + " !" : "0", p.inconclusive()));
        }
    }
}
