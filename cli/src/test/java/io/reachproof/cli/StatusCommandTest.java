package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachproof.policy.PolicyDrift;
import io.reachproof.policy.PolicyDriftJson;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.RoundReport;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code reachproof status} says how old the round it shows is, and the policy drift it shows. */
class StatusCommandTest {

    private static final Instant NOW = Instant.parse("2026-11-21T03:00:00Z");

    private static RoundReport finished(Instant at, boolean complete) {
        return new RoundReport("lab-7-abcd", "lab", at.toEpochMilli() - 1_000, at.toEpochMilli(), complete, null,
                List.of(), List.of(), 0, List.of(), List.of(), Map.of(), null);
    }

    @Test
    void theAgeIsInSecondsThenMinutesThenHours() {
        assertThat(StatusCommand.age(finished(NOW.minusSeconds(5), true), NOW))
                .isEqualTo("(round lab-7-abcd finished 5 s ago)");
        assertThat(StatusCommand.age(finished(NOW.minusSeconds(600), true), NOW))
                .isEqualTo("(round lab-7-abcd finished 10 min ago)");
        assertThat(StatusCommand.age(finished(NOW.minusSeconds(3 * 3600 + 59), true), NOW))
                .isEqualTo("(round lab-7-abcd finished 3 h ago)");
    }

    @Test
    void anIncompleteRoundSaysSoAndAClockBehindIsNotNegative() {
        assertThat(StatusCommand.age(finished(NOW.plusSeconds(3), false), NOW))
                .isEqualTo("(round lab-7-abcd finished 0 s ago, incomplete)");
    }

    @Test
    void theDriftSectionShowsEachDriftedGroupAsDriftPrintsItAndWhatAGroupWaitsFor() throws Exception {
        PolicyDrift.Report report = new PolicyDrift.Report(List.of(new PolicyDrift.Entry("payments", "db",
                new LinkedHashMap<>(Map.of("aws", PolicyDrift.State.PRESENT, "gcp", PolicyDrift.State.DIFFERS)),
                "aws", List.of("spec.podSelector.matchLabels.app: \"db\" (aws) vs \"other\" (gcp)"), 2)),
                List.of(new PolicyDrift.ClusterPair("aws", "gcp", 2)));
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode shop = root.putArray("groups").addObject();
        shop.put("name", "shop").put("source", "each other").putArray("waitingFor");
        shop.setAll(PolicyDriftJson.tree(report));
        ObjectNode waiting = ((ArrayNode) root.get("groups")).addObject();
        waiting.put("name", "edge").put("source", "policies/").putArray("waitingFor").add("azure");
        waiting.setAll(PolicyDriftJson.tree(new PolicyDrift.Report(List.of(), List.of())));

        assertThat(StatusCommand.drift(Json.mapper().readTree(root.toString()))).isEqualTo("""
                sync group shop drift: 1 policy drifted in 2 clusters against each other (the version most clusters carry); 2 cells affected
                  payments/db: differs in gcp (reference: aws); 2 cells affected
                    spec.podSelector.matchLabels.app: "db" (aws) vs "other" (gcp)
                cells whose verdict differs between two clusters (pods both have):
                  aws ~ gcp: 2
                sync group edge: waiting for the policies of azure
                """);
    }
}
