package io.reachproof.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The one renderer of mismatches as text: every output (Kubernetes Event, webhook and gate bodies, JUnit
 * report, span status, the lab and {@code status} tables) builds its text from the same parts, so a cell reads
 * {@code 7001/TCP}, {@code expected deny, observed allow (CONNECTED)} and {@code shop/frontend-0 (aws-lab)}
 * everywhere.
 */
public final class MismatchText {

    private MismatchText() {
    }

    /**
     * One line for Event messages, webhook and gate bodies, JUnit reports and logs: {@code HOLE frontend -> payments
     * 7001/TCP: expected deny, observed allow (CONNECTED), shop/frontend-0 (aws-lab) -> payments/payments-1
     * (gcp-lab), rule lab.yaml:30}.
     */
    public static String describe(Mismatch m) {
        CellResult c = m.cell();
        return cell(m) + ": " + verdicts(c) + ", " + endpoint(c.from()) + " -> " + endpoint(c.to())
                + (c.rule() == null ? "" : ", rule " + c.rule());
    }

    /**
     * One row of the lab and {@code status} tables: {@code HOLE    shop/frontend-0 (aws-lab) -> payments/payments-6
     * (gcp-lab)  7001/TCP  expected deny, observed allow (CONNECTED)  rule lab.yaml:30}, followed by
     * {@code (NetworkPolicy ns/name (file:line))} when the policies set the expected verdict.
     */
    public static String row(Mismatch m) {
        CellResult c = m.cell();
        return String.format("%-7s %s -> %s  %s  %s  rule %s", m.kind().spelling(), endpoint(c.from()),
                endpoint(c.to()), port(c), verdicts(c), c.rule()) + (c.decidedBy() == null ? "" : " (" + c.decidedBy() + ")");
    }

    /**
     * The status of a mismatch span: {@code HOLE: shop/frontend-0 -> payments/payments-7 7001/TCP expected deny,
     * observed allow (CONNECTED)}.
     */
    public static String spanStatus(Mismatch m) {
        CellResult c = m.cell();
        return m.kind().spelling() + ": " + c.from().displayName() + " -> " + c.to().displayName() + " " + port(c) + " "
                + verdicts(c);
    }

    /**
     * {@code 2 mismatches in lab: HOLE frontend -> payments 7001/TCP (aws-lab -> gcp-lab), ...}; a cell seen in
     * several cluster pairs is named once: {@code HOLE frontend -> payments 7001/TCP in 9 cluster pairs}.
     */
    public static String summary(String expectation, List<Mismatch> mismatches) {
        Map<String, Set<String>> pairsByCell = new LinkedHashMap<>();
        for (Mismatch m : mismatches) {
            CellResult c = m.cell();
            pairsByCell.computeIfAbsent(cell(m), k -> new TreeSet<>()).add(c.from().cluster() + " -> " + c.to().cluster());
        }
        String cells = pairsByCell.entrySet().stream()
                .map(e -> e.getValue().size() == 1 ? e.getKey() + " (" + e.getValue().iterator().next() + ")"
                        : e.getKey() + " in " + e.getValue().size() + " cluster pairs")
                .collect(Collectors.joining(", "));
        int n = mismatches.size();
        return n + (n == 1 ? " mismatch in " : " mismatches in ") + expectation + ": " + cells;
    }

    /** {@code HOLE frontend -> payments 7001/TCP}. */
    private static String cell(Mismatch m) {
        CellResult c = m.cell();
        return m.kind().spelling() + " " + c.fromGroup() + " -> " + c.toGroup() + " " + port(c);
    }

    /** {@code 7001/TCP}. */
    private static String port(CellResult c) {
        return c.port() + "/" + c.protocol().spelling();
    }

    /** {@code expected deny, observed allow (CONNECTED)}. */
    private static String verdicts(CellResult c) {
        return "expected " + c.expected().spelling() + ", observed " + c.observed().spelling()
                + (c.outcome() == null ? "" : " (" + c.outcome().spelling() + ")");
    }

    /** {@code shop/frontend-0 (aws-lab)}, or the address of an external target. */
    private static String endpoint(EndpointRef e) {
        return e.externalTarget() ? e.address() : e.displayName() + " (" + e.cluster() + ")";
    }
}
