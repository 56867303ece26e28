package io.reachproof.coordinator.rollback;

import static io.reachproof.coordinator.testing.RoundReports.round;
import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.protocol.MismatchText;
import io.reachproof.protocol.RoundReport;
import org.junit.jupiter.api.Test;

class MismatchTextTest {

    @Test
    void aCellSeenInSeveralClusterPairsIsSummarizedOnce() {
        RoundReport r = round("lab", "r1", 1000)
                .clusters("aws-lab", "gcp-lab").hole("frontend", "payments", 7001)
                .clusters("gcp-lab", "gcp-lab").hole("frontend", "payments", 7001)
                .agents(1).hole("frontend", "payments", 7001)
                .clusters("aws-lab", "aws-lab").blocked("frontend", "checkout", 7001)
                .build();

        assertThat(MismatchText.summary("lab", r.mismatches())).isEqualTo("4 mismatches in lab:"
                + " HOLE frontend -> payments 7001/TCP in 2 cluster pairs,"
                + " BLOCKED frontend -> checkout 7001/TCP (aws-lab -> aws-lab)");
    }

    @Test
    void describeNamesTheCellThePodsAndTheRule() {
        RoundReport r = round("lab", "r1", 1000).blocked("checkout", "payments", 7002).build();

        assertThat(MismatchText.describe(r.mismatches().get(0))).isEqualTo("BLOCKED checkout -> payments 7002/TCP:"
                + " expected allow, observed deny (TIMEOUT), shop/checkout-aws-lab-0 (aws-lab) ->"
                + " payments/payments-gcp-lab-0 (gcp-lab), rule lab.yaml:26");
    }
}
