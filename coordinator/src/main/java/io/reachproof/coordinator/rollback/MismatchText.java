package io.reachproof.coordinator.rollback;

import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.Mismatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.Locale;
import java.util.stream.Collectors;

/** One-line texts of mismatches, for Event messages, summaries, logs and JUnit reports. */
public final class MismatchText {

    private MismatchText() {
    }

    /**
     * {@code HOLE frontend -> payments 7001/TCP: expected deny, observed allow (CONNECTED),
     * shop/frontend-0 (aws-lab) -> payments/payments-1 (gcp-lab), rule lab.yaml:30}.
     */
    public static String describe(Mismatch m) {
        CellResult c = m.cell();
        return m.kind() + " " + c.fromGroup() + " -> " + c.toGroup() + " " + c.port() + "/" + c.protocol()
                + ": expected " + c.expected() + ", observed " + c.observed().name().toLowerCase(Locale.ROOT)
                + (c.outcome() == null ? "" : " (" + c.outcome() + ")")
                + ", " + c.from().displayName() + " (" + c.from().cluster() + ") -> " + c.to().displayName() + " ("
                + c.to().cluster() + ")"
                + (c.rule() == null ? "" : ", rule " + c.rule());
    }

    /**
     * {@code 2 mismatches in lab: HOLE frontend -> payments 7001/TCP (aws-lab -> gcp-lab), ...}; a cell seen in
     * several cluster pairs is named once: {@code HOLE frontend -> payments 7001/TCP in 9 cluster pairs}.
     */
    public static String summary(String expectation, List<Mismatch> mismatches) {
        Map<String, Set<String>> pairsByCell = new LinkedHashMap<>();
        for (Mismatch m : mismatches) {
            CellResult c = m.cell();
            pairsByCell.computeIfAbsent(m.kind() + " " + c.fromGroup() + " -> " + c.toGroup() + " " + c.port() + "/"
                    + c.protocol(), k -> new TreeSet<>()).add(c.from().cluster() + " -> " + c.to().cluster());
        }
        String cells = pairsByCell.entrySet().stream()
                .map(e -> e.getValue().size() == 1 ? e.getKey() + " (" + e.getValue().iterator().next() + ")"
                        : e.getKey() + " in " + e.getValue().size() + " cluster pairs")
                .collect(Collectors.joining(", "));
        int n = mismatches.size();
        return n + (n == 1 ? " mismatch in " : " mismatches in ") + expectation + ": " + cells;
    }
}
