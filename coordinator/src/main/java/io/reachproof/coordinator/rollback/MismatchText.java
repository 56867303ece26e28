package io.reachproof.coordinator.rollback;

import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.Mismatch;
import java.util.List;
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

    /** {@code 2 mismatches in lab: HOLE frontend -> payments 7001/TCP (aws-lab -> gcp-lab), ...}. */
    public static String summary(String expectation, List<Mismatch> mismatches) {
        String cells = mismatches.stream()
                .map(m -> m.kind() + " " + CellKey.of(m.cell()))
                .distinct()
                .collect(Collectors.joining(", "));
        int n = mismatches.size();
        return n + (n == 1 ? " mismatch in " : " mismatches in ") + expectation + ": " + cells;
    }
}
