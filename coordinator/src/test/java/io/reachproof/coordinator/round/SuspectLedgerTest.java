package io.reachproof.coordinator.round;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.RoundReport;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuspectLedgerTest {

    private final SuspectLedger ledger = new SuspectLedger();
    private final PolicyChange aws = change("aws-lab", "u1", 1_000);
    private final PolicyChange gcp = change("gcp-lab", "u2", 2_000);

    private static PolicyChange change(String cluster, String uid, long at) {
        return new PolicyChange(cluster, "payments", "deny-frontend", uid, "7", "ADDED", at);
    }

    private static RoundReport provingRound(long startedAt) {
        return TestRounds.report(startedAt, true, 1.0);
    }

    @Test
    void aSetWithoutChangesHasNoSuspect() {
        assertThat(ledger.newest("lab")).isEmpty();
        assertThat(ledger.suspectsOf("lab")).isEmpty();
    }

    @Test
    void eachClusterKeepsItsNewestChangeAndTheSetsSuspectIsTheNewestOfAny() {
        PolicyChange awsAgain = change("aws-lab", "u3", 3_000);
        ledger.suspect("lab", aws);
        ledger.suspect("lab", gcp);
        ledger.suspect("lab", awsAgain);

        assertThat(ledger.suspectsOf("lab")).containsExactlyInAnyOrderEntriesOf(Map.of("aws-lab", awsAgain, "gcp-lab", gcp));
        assertThat(ledger.newest("lab")).contains(awsAgain);
    }

    @Test
    void setsKeepTheirSuspectsApart() {
        ledger.suspect("lab", aws);

        assertThat(ledger.newest("other")).isEmpty();
    }

    @Test
    void aRoundThatProvesEnforcementClearsWhatItCarried() {
        ledger.suspect("lab", aws);
        ledger.suspect("lab", gcp);
        Map<String, PolicyChange> carried = ledger.suspectsOf("lab");

        ledger.roundClosed("lab", carried, provingRound(5_000));

        assertThat(ledger.newest("lab")).isEmpty();
    }

    @Test
    void aRoundThatLeftACellUnprovenClearsNothing() {
        ledger.suspect("lab", aws);

        ledger.roundClosed("lab", ledger.suspectsOf("lab"), TestRounds.report(5_000, true, 0.5));

        assertThat(ledger.newest("lab")).contains(aws);
    }

    @Test
    void aRoundClosedAtItsDeadlineClearsNothing() {
        ledger.suspect("lab", aws);

        ledger.roundClosed("lab", ledger.suspectsOf("lab"), TestRounds.report(5_000, false, 1.0));

        assertThat(ledger.newest("lab")).contains(aws);
    }

    @Test
    void aRoundStartedBeforeAChangeDoesNotProveIt() {
        ledger.suspect("lab", gcp);

        ledger.roundClosed("lab", ledger.suspectsOf("lab"), provingRound(1_500));

        assertThat(ledger.newest("lab")).contains(gcp);
    }

    @Test
    void aNewerChangeThatArrivedDuringTheRoundStaysSuspect() {
        ledger.suspect("lab", aws);
        Map<String, PolicyChange> carried = ledger.suspectsOf("lab");
        PolicyChange awsAgain = change("aws-lab", "u3", 3_000);
        ledger.suspect("lab", awsAgain);

        ledger.roundClosed("lab", carried, provingRound(2_500));

        assertThat(ledger.newest("lab")).contains(awsAgain);
    }

    @Test
    void aRerunIsTakenOncePerSet() {
        ledger.rerunAfterOpenRound("lab");
        ledger.rerunAfterOpenRound("lab");

        assertThat(ledger.takeRerun("other")).isFalse();
        assertThat(ledger.takeRerun("lab")).isTrue();
        assertThat(ledger.takeRerun("lab")).isFalse();
    }
}
