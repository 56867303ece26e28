package io.reachproof.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundReportTest {

    private static final long CHANGE_AT = 10_000;
    private static final PolicyChange CHANGE =
            new PolicyChange("gcp-lab", "payments", "deny-all", "uid-1", "7", "ADDED", CHANGE_AT);
    private static final EndpointRef A = new EndpointRef("a", "gcp-lab", "gcp", "", "", "shop", "a", "127.0.0.1");
    private static final EndpointRef B = new EndpointRef("b", "gcp-lab", "gcp", "", "", "payments", "b", "127.0.0.2");

    private static CellResult cell(Verdict expected, ObservedVerdict observed, InconclusiveReason reason) {
        return new CellResult("frontend", A, "payments", B, 7001, Protocol.TCP, expected, observed, reason,
                observed == ObservedVerdict.ALLOW ? Outcome.CONNECTED : Outcome.TIMEOUT, 1, 100, "lab.yaml:30", null);
    }

    private static RoundReport report(long startedAt, boolean complete, List<CellResult> cells, List<Mismatch> mismatches) {
        long proven = cells.stream().filter(c -> c.observed() != ObservedVerdict.INCONCLUSIVE).count();
        double coverage = cells.isEmpty() ? 0.0 : (double) proven / cells.size();
        return new RoundReport("r1", "lab", startedAt, startedAt + 500, complete, null, cells, mismatches, coverage,
                List.of(), List.of(), Map.of("live", 2), CHANGE);
    }

    private final CellResult provenDeny = cell(Verdict.DENY, ObservedVerdict.DENY, null);

    @Test
    void aCompleteCleanRoundThatStartedAfterTheChangeProvesItEnforced() {
        assertThat(report(CHANGE_AT, true, List.of(provenDeny), List.of()).provesEnforced(CHANGE)).isTrue();
    }

    @Test
    void aRoundThatStartedBeforeTheChangeProvesNothingAboutIt() {
        assertThat(report(CHANGE_AT - 1, true, List.of(provenDeny), List.of()).provesEnforced(CHANGE)).isFalse();
    }

    @Test
    void aRoundWithoutCellsProvesNothing() {
        assertThat(report(CHANGE_AT + 1, true, List.of(), List.of()).provesEnforced(CHANGE)).isFalse();
    }

    @Test
    void anInconclusiveCellLeavesEnforcementUnproven() {
        CellResult lost = cell(Verdict.DENY, ObservedVerdict.INCONCLUSIVE, InconclusiveReason.TARGET_LOST);
        assertThat(report(CHANGE_AT + 1, true, List.of(provenDeny, lost), List.of()).provesEnforced(CHANGE)).isFalse();
    }

    @Test
    void anIncompleteRoundProvesNothing() {
        assertThat(report(CHANGE_AT + 1, false, List.of(provenDeny), List.of()).provesEnforced(CHANGE)).isFalse();
    }

    @Test
    void aMismatchMeansNotEnforced() {
        CellResult hole = cell(Verdict.DENY, ObservedVerdict.ALLOW, null);
        RoundReport withHole = report(CHANGE_AT + 1, true, List.of(hole), List.of(new Mismatch(hole, CHANGE)));
        assertThat(withHole.provesEnforced(CHANGE)).isFalse();
    }

    @Test
    void theDriftSectionTravelsInTheReportsJsonAndAnOlderReportWithoutOneReadsAsEmpty() throws Exception {
        RoundReport withDrift = report(CHANGE_AT + 1, true, List.of(provenDeny), List.of()).withDrift(List.of(
                new DriftSection("app", "2026-12-04T01:00:00Z", List.of(), List.of(new DriftSection.Policy("app", "db",
                        Map.of("aws", "present", "gcp", "differs"), 4)), List.of(new DriftSection.ClusterPair("aws", "gcp", 4)))));

        String json = Json.mapper().writeValueAsString(withDrift);
        assertThat(json).contains("\"drift\":[{\"group\":\"app\"", "\"cellsDiffering\":4");
        assertThat(Json.mapper().readValue(json, RoundReport.class)).isEqualTo(withDrift);

        String older = json.substring(0, json.indexOf(",\"drift\":")) + "}";
        assertThat(Json.mapper().readValue(older, RoundReport.class).drift()).isEmpty();
    }
}
