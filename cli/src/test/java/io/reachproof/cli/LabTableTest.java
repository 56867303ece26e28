package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PairSummary;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabTableTest {

    private static final EndpointRef FRONTEND = new EndpointRef("frontend-0", "aws-lab", "aws", "us-east-1", "n", "shop",
            "frontend-0", "127.0.1.1");
    private static final EndpointRef PAYMENTS = new EndpointRef("payments-7", "gcp-lab", "gcp", "europe-west1", "n",
            "payments", "payments-7", "127.0.1.8");

    @Test
    void aRoundIsShownAsGroupAndClusterTablesWithEveryMismatchInDetail() {
        CellResult hole = new CellResult("frontend", FRONTEND, "payments", PAYMENTS, 7001, Protocol.TCP, Verdict.DENY, ObservedVerdict.ALLOW,
                null, Outcome.CONNECTED, 1, 250, "expectations/examples/lab.yaml:32", null);
        CellResult lost = new CellResult("frontend", FRONTEND, "payments", PAYMENTS, 7001, Protocol.TCP, Verdict.DENY,
                ObservedVerdict.INCONCLUSIVE, InconclusiveReason.TARGET_LOST, Outcome.TIMEOUT, 2, 0, "lab.yaml:32", null);
        RoundReport report = new RoundReport("lab-7-abcd", "lab", 0, 65_000, true, null, List.of(hole, lost),
                List.of(new Mismatch(hole, null)), 0.5,
                List.of(new PairSummary("frontend", "payments", 1, 0, 1, 1, 0)),
                List.of(new PairSummary("aws-lab", "gcp-lab", 1, 0, 1, 1, 0)), Map.of("live", 8, "lost", 1, "gone", 0), null);

        assertThat(LabTable.render(report)).isEqualTo("""
                round lab-7-abcd of lab at 00:01:05 UTC: 2 cells, coverage 50%, 1 mismatch, agents live 8, lost 1

                group -> group         allow    deny   mismatch   inconclusive
                frontend -> payments       1       0        1 !              1

                cluster -> cluster     allow    deny   mismatch   inconclusive
                aws-lab -> gcp-lab         1       0        1 !              1

                inconclusive: TARGET_LOST=1

                MISMATCHES
                MISMATCH_LINE
                """.replace("MISMATCH_LINE", "HOLE    shop/frontend-0 (aws-lab) -> payments/payments-7 (gcp-lab)  7001/TCP"
                        + "  expected deny, observed allow (CONNECTED)  rule expectations/examples/lab.yaml:32"));
    }

    @Test
    void aRoundThatPlannedNoCellsIsOneLineSayingSoInsteadOfEmptyTables() {
        RoundReport nothing = new RoundReport("lab-1-abcd", "lab", 0, 65_000, false, null, List.of(), List.of(), 0,
                List.of(), List.of(), Map.of("live", 0, "lost", 0, "gone", 0), null);

        assertThat(LabTable.render(nothing)).isEqualTo(
                "round lab-1-abcd of lab at 00:01:05 UTC: nothing to prove yet, no agent is in its groups (agents none)\n");
    }
}
