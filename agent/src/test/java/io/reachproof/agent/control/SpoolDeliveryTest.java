package io.reachproof.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.agent.ManualClock;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PodRef;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.Responder;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.SelfCheckStatus;
import io.reachproof.protocol.TargetAnswer;
import io.reachproof.protocol.TargetReadiness;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolDeliveryTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private final FakeCoordinator coordinator = new FakeCoordinator(clock, 3);
    private ResultSpool spool;

    @BeforeEach
    void registered() throws Exception {
        coordinator.register(TestPlans.identity());
        spool = new ResultSpool(TestPlans.AGENT, dir, 1000, Json.mapper());
    }

    private static ResultBatch batch(String prefix, int results, int selfChecks) {
        List<ProbeResult> list = new ArrayList<>();
        for (int i = 0; i < results; i++) {
            list.add(new ProbeResult(prefix + i, "t" + i, TestPlans.AGENT, "r", Outcome.CONNECTED, 1, 1, null, "", 0));
        }
        List<SelfCheckStatus> checks = new ArrayList<>();
        for (int i = 0; i < selfChecks; i++) {
            checks.add(new SelfCheckStatus(TestPlans.AGENT, "r" + i, List.of(), "", 0));
        }
        return new ResultBatch(TestPlans.AGENT, list, checks);
    }

    @Test
    void aBatchThatFitsTravelsWhole() {
        ResultBatch b = batch("a", 2, 1);

        assertThat(SpoolDelivery.split(b, 3)).containsExactly(b);
    }

    @Test
    void aLargerBatchTravelsInPartsOfTheLimitAndItsSelfChecksApart() {
        List<ResultBatch> parts = SpoolDelivery.split(batch("a", 7, 2), 3);

        assertThat(parts).extracting(p -> p.results().size() + "+" + p.selfChecks().size())
                .containsExactly("3+0", "3+0", "1+0", "0+2");
        assertThat(parts).flatExtracting(ResultBatch::results).isEqualTo(batch("a", 7, 2).results());
    }

    @Test
    void manySelfChecksAndTargetReadinessTravelInPartsOfTheLimitToo() {
        ResultBatch big = batch("a", 1, 4);
        PodRef pod = new PodRef("shop", "checkout", "uid-1", "10.0.0.3");
        List<TargetReadiness> targets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            targets.add(new TargetReadiness(TestPlans.AGENT, "r", pod, new Responder(8080 + i, "TCP"),
                    TargetAnswer.BORROWED, "borrowed", 0));
        }
        ResultBatch batch = new ResultBatch(TestPlans.AGENT, big.results(), big.selfChecks(), targets);

        List<ResultBatch> parts = SpoolDelivery.split(batch, 3);

        assertThat(parts).extracting(p -> p.results().size() + "+" + p.selfChecks().size() + "+" + p.targets().size())
                .containsExactly("1+0+0", "0+3+0", "0+1+2", "0+0+2");
        assertThat(parts).flatExtracting(ResultBatch::targets).isEqualTo(targets);
        assertThat(parts).flatExtracting(ResultBatch::selfChecks).isEqualTo(batch.selfChecks());
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> SpoolDelivery.split(batch("a", 1, 0), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("max must be at least 1: 0");
    }

    @Test
    void theSpoolIsDeliveredOldestFirstAndForgottenOnceAcknowledged() throws Exception {
        spool.append(batch("a", 2, 0));
        spool.append(batch("b", 5, 1));
        SpoolDelivery delivery = new SpoolDelivery(spool, coordinator);

        assertThat(delivery.deliverAll(3)).isEqualTo(2);

        assertThat(coordinator.batches).extracting(b -> b.results().isEmpty() ? "checks" : b.results().get(0).resultId())
                .containsExactly("a0", "b0", "b3", "checks");
        assertThat(spool.entries()).isZero();
        assertThat(delivery.delivered()).isEqualTo(7);
    }

    @Test
    void aBatchCutShortStaysSpooledAndIsSentWholeAgain() throws Exception {
        spool.append(batch("a", 5, 0));
        SpoolDelivery delivery = new SpoolDelivery(spool, coordinator);
        coordinator.loseNextAck();

        assertThatThrownBy(() -> delivery.deliverAll(3)).isInstanceOf(IOException.class);
        assertThat(spool.waitingResults()).isEqualTo(5);

        delivery.deliverAll(3);
        assertThat(spool.entries()).isZero();
        assertThat(coordinator.resultIds()).hasSize(5);
        assertThat(coordinator.duplicates()).isEqualTo(3);
        assertThat(delivery.delivered()).isEqualTo(5);
    }
}
