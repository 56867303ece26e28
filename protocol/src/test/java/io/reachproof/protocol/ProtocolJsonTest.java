package io.reachproof.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolJsonTest {

    private final ObjectMapper mapper = Json.mapper();

    @Test
    void aPlanSurvivesTheWire() throws Exception {
        ProbeTask task = ProbeTask.of("r1/0", Protocol.HTTP, "10.0.0.2", 80, "/healthz", "GET", "b-0", 2, 500);
        Plan plan = new Plan("a-0", 42, List.of(new PlanRound("r1", "lab", List.of(task), List.of(new Responder(7001, "TCP")),
                1234)), 5000);

        assertThat(mapper.readValue(mapper.writeValueAsBytes(plan), Plan.class)).isEqualTo(plan);
    }

    @Test
    void aResultBatchSurvivesTheWire() throws Exception {
        ResultBatch batch = new ResultBatch("a-0",
                List.of(new ProbeResult("id-1", "r1/0", "a-0", "r1", Outcome.REFUSED, 120, 2, null, "RST", 99)),
                List.of(new SelfCheckStatus("a-0", "r1", List.of(new Responder(7002, "UDP")), "no echo", 100)));

        assertThat(mapper.readValue(mapper.writeValueAsBytes(batch), ResultBatch.class)).isEqualTo(batch);
    }

    @Test
    void fieldsANewerPeerSendsAreIgnored() throws Exception {
        Heartbeat hb = mapper.readValue("{\"agentId\":\"a\",\"spooledResults\":3,\"droppedResults\":0,\"atEpochMillis\":1,"
                + "\"fromTheFuture\":true}", Heartbeat.class);

        assertThat(hb).isEqualTo(new Heartbeat("a", 3, 0, 1));
    }

    @Test
    void missingListsAreEmptyAndMissingIdsAreRefused() throws Exception {
        assertThat(mapper.readValue("{\"agentId\":\"a\"}", ResultBatch.class).isEmpty()).isTrue();
        assertThatThrownBy(() -> mapper.readValue("{\"results\":[]}", ResultBatch.class))
                .isInstanceOf(ValueInstantiationException.class)
                .hasRootCauseMessage("agentId");
    }

    @Test
    void aSelfCheckPassesExactlyTheRespondersThatDidNotFail() {
        SelfCheckStatus s = new SelfCheckStatus("a", "r", List.of(new Responder(7002, "UDP")), null, 0);

        assertThat(s.passed(new Responder(7001, "TCP"))).isTrue();
        assertThat(s.passed(new Responder(7002, "UDP"))).isFalse();
        assertThat(s.detail()).isEmpty();
    }
}
