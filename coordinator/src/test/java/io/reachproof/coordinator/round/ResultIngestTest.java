package io.reachproof.coordinator.round;

import static io.reachproof.coordinator.round.TestRounds.plan;
import static io.reachproof.coordinator.round.TestRounds.result;
import static io.reachproof.coordinator.round.TestRounds.selfCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.coordinator.LabExpectation;
import io.reachproof.protocol.BatchAck;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.SelfCheckStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResultIngestTest {

    private final ResultIngest ingest = new ResultIngest(1_000);
    private final OpenRounds open = new OpenRounds(TestRounds.clock(), RoundSettings.defaults(), TestRounds.PROBING,
            List.of(LabExpectation.loaded("lab", Duration.ofSeconds(5))), "boot");
    private final List<OpenRound> last = new CopyOnWriteArrayList<>();
    private OpenRound round;
    private List<ProbeTask> frontendTasks;

    @BeforeEach
    void openARound() {
        round = open.open(plan("lab-1-boot", Map.of("frontend-0", 2), "checkout-1"));
        frontendTasks = round.plan().tasksByAgent().get("frontend-0");
    }

    private BatchAck deliver(String agentId, List<ProbeResult> results, List<SelfCheckStatus> checks) {
        return ingest.accept(new ResultBatch(agentId, results, checks), open, last::add);
    }

    private BatchAck deliver(String agentId, ProbeResult... results) {
        return deliver(agentId, List.of(results), List.of());
    }

    @Test
    void aResultCountsInTheOpenRoundItNames() {
        BatchAck ack = deliver("frontend-0", result("r1", "lab-1-boot", frontendTasks.get(0), "frontend-0"));

        assertThat(ack).isEqualTo(new BatchAck(1, 0, 0));
        assertThat(round.outstanding()).isEqualTo(2);
    }

    @Test
    void aResentResultIsADuplicateAndCountsNowhere() {
        ProbeResult r1 = result("r1", "lab-1-boot", frontendTasks.get(0), "frontend-0");
        deliver("frontend-0", r1);

        assertThat(deliver("frontend-0", r1)).isEqualTo(new BatchAck(0, 1, 0));
        assertThat(round.outstanding()).isEqualTo(2);
    }

    @Test
    void duplicatesAreFoundWithinOneBatchToo() {
        ProbeResult r1 = result("r1", "lab-1-boot", frontendTasks.get(0), "frontend-0");

        assertThat(deliver("frontend-0", r1, r1)).isEqualTo(new BatchAck(1, 1, 0));
    }

    @Test
    void aResultOfAClosedUnknownOrUnnamedRoundIsAcceptedLate() {
        open.release(round);

        BatchAck ack = deliver("frontend-0",
                result("r1", "lab-1-boot", frontendTasks.get(0), "frontend-0"),
                result("r2", "lab-9-boot", frontendTasks.get(0), "frontend-0"),
                result("r3", null, frontendTasks.get(0), "frontend-0"));

        assertThat(ack).isEqualTo(new BatchAck(3, 0, 3));
    }

    @Test
    void aResultOfAnotherAgentsTaskIsAcceptedLate() {
        BatchAck ack = deliver("payments-2", result("r1", "lab-1-boot", frontendTasks.get(0), "payments-2"));

        assertThat(ack).isEqualTo(new BatchAck(1, 0, 1));
        assertThat(round.outstanding()).isEqualTo(3);
    }

    @Test
    void aResultSealedOutOfItsRoundIsLate() {
        round.seal();

        assertThat(deliver("frontend-0", result("r1", "lab-1-boot", frontendTasks.get(0), "frontend-0")))
                .isEqualTo(new BatchAck(1, 0, 1));
    }

    @Test
    void aSelfCheckCountsOnlyWhenItsOwnAgentDeliversIt() {
        deliver("frontend-0", List.of(), List.of(selfCheck("checkout-1", "lab-1-boot")));
        assertThat(round.outstanding()).isEqualTo(3);

        BatchAck ack = deliver("checkout-1", List.of(), List.of(selfCheck("checkout-1", "lab-1-boot")));

        assertThat(ack).as("self-checks are not results").isEqualTo(new BatchAck(0, 0, 0));
        assertThat(round.outstanding()).isEqualTo(2);
    }

    @Test
    void theDeliveryThatBringsARoundsLastArrivalSaysSoOnce() {
        deliver("frontend-0", result("r1", "lab-1-boot", frontendTasks.get(0), "frontend-0"));
        deliver("checkout-1", List.of(), List.of(selfCheck("checkout-1", "lab-1-boot")));
        assertThat(last).isEmpty();

        deliver("frontend-0", result("r2", "lab-1-boot", frontendTasks.get(1), "frontend-0"));
        deliver("frontend-0", result("r3", "lab-1-boot", frontendTasks.get(1), "frontend-0"));

        assertThat(last).containsExactly(round);
    }

    @Test
    void aSelfCheckCanBeTheLastArrival() {
        deliver("frontend-0", result("r1", "lab-1-boot", frontendTasks.get(0), "frontend-0"),
                result("r2", "lab-1-boot", frontendTasks.get(1), "frontend-0"));

        deliver("checkout-1", List.of(), List.of(selfCheck("checkout-1", "lab-1-boot")));

        assertThat(last).containsExactly(round);
    }

    @Test
    void eachAgentsDeliveriesAddUp() {
        ProbeResult r1 = result("r1", "lab-1-boot", frontendTasks.get(0), "frontend-0");
        deliver("frontend-0", r1);
        deliver("frontend-0", r1, result("r2", "lab-9-boot", frontendTasks.get(1), "frontend-0"));
        deliver("payments-2", result("r3", "lab-1-boot", frontendTasks.get(1), "payments-2"));

        assertThat(ingest.delivered("frontend-0")).isEqualTo(new BatchAck(2, 1, 1));
        assertThat(ingest.delivered("payments-2")).isEqualTo(new BatchAck(1, 0, 1));
        assertThat(ingest.delivered("checkout-1")).isEqualTo(new BatchAck(0, 0, 0));
    }

    @Test
    void theNewestIdsUpToTheCapacityAreRemembered() {
        ResultIngest small = new ResultIngest(2);
        assertThat(small.firstTime("a")).isTrue();
        assertThat(small.firstTime("b")).isTrue();
        assertThat(small.firstTime("c")).isTrue();

        assertThat(small.firstTime("c")).isFalse();
        assertThat(small.firstTime("b")).isFalse();
        assertThat(small.firstTime("a")).as("the oldest was forgotten").isTrue();
    }

    @Test
    void theCapacityMustBePositive() {
        assertThatThrownBy(() -> new ResultIngest(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be at least 1: 0");
    }
}
