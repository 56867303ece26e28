package io.reachproof.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.cli.dataplane.CniProfile;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.Protocol;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How observations become a feature's verdict and evidence. */
class FeatureJudgeTest {

    private static final CellCheck ALLOWED = new CellCheck("x/client", "x/server", 80, Protocol.TCP, true);
    private static final CellCheck DENIED = new CellCheck("x/client", "x/server", 81, Protocol.TCP, false);
    private static final CellCheck DENIED_UDP = new CellCheck("x/client", "x/server", 54, Protocol.UDP, false);

    private static CellObservation seen(CellCheck c, Outcome o) {
        return new CellObservation(c, o, "");
    }

    @Test
    void everyProbeAsThePoliciesImplyPassesWithTheOutcomesAsEvidence() {
        FeatureResult r = FeatureJudge.judge(Feature.INGRESS, List.of(seen(ALLOWED, Outcome.CONNECTED),
                seen(DENIED, Outcome.TIMEOUT)));

        assertThat(r.status()).isEqualTo(FeatureStatus.PASS);
        assertThat(r.evidence()).isEqualTo("x/client -> x/server 80/TCP CONNECTED; x/client -> x/server 81/TCP TIMEOUT");
    }

    @Test
    void aResetIsADenyForEveryFeatureButDenyAsDrop() {
        assertThat(FeatureJudge.judge(Feature.INGRESS, List.of(seen(ALLOWED, Outcome.CONNECTED),
                seen(DENIED, Outcome.REFUSED))).status()).isEqualTo(FeatureStatus.PASS);

        FeatureResult drop = FeatureJudge.judgeDenyMode(List.of(seen(DENIED, Outcome.REFUSED),
                seen(DENIED_UDP, Outcome.UNREACHABLE)));

        assertThat(drop.status()).isEqualTo(FeatureStatus.FAIL);
        assertThat(drop.evidence()).isEqualTo("denied traffic is rejected, not dropped: 81/TCP REFUSED (a reset),"
                + " 54/UDP UNREACHABLE (an ICMP error)");
    }

    @Test
    void aProbeAgainstThePoliciesFailsTheFeatureNamingIt() {
        FeatureResult r = FeatureJudge.judge(Feature.END_PORT, List.of(seen(ALLOWED, Outcome.TIMEOUT),
                seen(DENIED, Outcome.TIMEOUT)));

        assertThat(r.status()).isEqualTo(FeatureStatus.FAIL);
        assertThat(r.evidence()).isEqualTo("x/client -> x/server 80/TCP: expected allow, TIMEOUT");
    }

    @Test
    void silenceIsADropAndAConnectionNoDenyAtAll() {
        assertThat(FeatureJudge.judgeDenyMode(List.of(seen(DENIED, Outcome.TIMEOUT), seen(DENIED_UDP, Outcome.TIMEOUT))))
                .extracting(FeatureResult::status, FeatureResult::evidence)
                .containsExactly(FeatureStatus.PASS, "denied 81/TCP and 54/UDP dropped: silence (TIMEOUT)");
        assertThat(FeatureJudge.judgeDenyMode(List.of(seen(DENIED, Outcome.CONNECTED))).evidence())
                .startsWith("not denied at all: x/client -> x/server 81/TCP: expected deny, CONNECTED");
    }

    @Test
    void theDelayPassesWithinTheLimitAndFailsBeyondItOrWhenNeverEnforced() {
        Duration limit = Duration.ofSeconds(2);
        Duration timeout = Duration.ofSeconds(15);

        assertThat(FeatureJudge.judgeDelay(Optional.of(Duration.ofMillis(150)), Optional.of(Duration.ofMillis(180)), limit,
                timeout, List.of())).extracting(FeatureResult::status, FeatureResult::evidence).containsExactly(
                FeatureStatus.PASS, "a changed policy enforced after 150 ms, a new pod enforced after 180 ms (limit 2000 ms)");
        assertThat(FeatureJudge.judgeDelay(Optional.of(Duration.ofMillis(3100)), Optional.of(Duration.ofMillis(150)), limit,
                timeout, List.of()).status()).isEqualTo(FeatureStatus.FAIL);
        assertThat(FeatureJudge.judgeDelay(Optional.empty(), Optional.empty(), limit, timeout, List.of()).evidence())
                .isEqualTo("a changed policy still open after 15000 ms, a new pod still open after 15000 ms (limit 2000 ms)");
    }

    @Test
    void eachProfileDocumentsTheFeaturesItChangesAndNoOther() {
        assertThat(ConformanceSuite.documentedDeviations(CniProfile.REFERENCE)).isEmpty();
        assertThat(ConformanceSuite.documentedDeviations(CniProfile.REJECT)).containsExactly(Feature.DENY_DROPS);
        assertThat(ConformanceSuite.documentedDeviations(CniProfile.NO_ENDPORT)).containsExactly(Feature.END_PORT);
        assertThat(ConformanceSuite.documentedDeviations(CniProfile.IPBLOCK_IGNORES_PODS)).containsExactly(Feature.IPBLOCK_PODS);
        assertThat(ConformanceSuite.documentedDeviations(CniProfile.ENFORCEMENT_LAG)).containsExactly(Feature.ENFORCEMENT_DELAY);
        assertThat(ConformanceSuite.documentedDeviations(CniProfile.NO_ENFORCEMENT))
                .isEqualTo(EnumSet.complementOf(EnumSet.of(Feature.SCTP)));
    }

    @Test
    void everyProbedFeatureHasAnAllowAndADenyExceptDenyAsDrop() {
        for (Feature f : Feature.values()) {
            List<CellCheck> checks = ConformanceSuite.checks(f);
            if (f == Feature.SCTP || f == Feature.ENFORCEMENT_DELAY) {
                assertThat(checks).as(f.id()).isEmpty();
            } else if (f == Feature.DENY_DROPS) {
                assertThat(checks).as(f.id()).isNotEmpty().noneMatch(CellCheck::allowed);
            } else {
                assertThat(checks).as(f.id()).anyMatch(CellCheck::allowed).anyMatch(c -> !c.allowed());
            }
        }
    }
}
