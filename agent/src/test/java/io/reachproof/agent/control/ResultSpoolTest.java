package io.reachproof.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.protocol.Json;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.SelfCheckStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultSpoolTest {

    @TempDir
    Path dir;

    private static ResultBatch batch(String... ids) {
        List<ProbeResult> results = new ArrayList<>();
        for (String id : ids) {
            results.add(new ProbeResult(id, "t-" + id, "a", "r", Outcome.CONNECTED, 1, 1, null, "", 0));
        }
        return new ResultBatch("a", results, List.of());
    }

    @Test
    void batchesComeBackOldestFirstAndAreForgottenWhenRemoved() {
        ResultSpool spool = new ResultSpool("a", dir, 100, Json.mapper());
        spool.append(batch("1", "2"));
        spool.append(batch("3"));

        ResultSpool.Segment first = spool.oldest().orElseThrow();
        assertThat(first.batch()).isEqualTo(batch("1", "2"));
        spool.remove(first);
        assertThat(spool.oldest().orElseThrow().batch()).isEqualTo(batch("3"));
        assertThat(spool.waitingResults()).isEqualTo(1);
        assertThat(spool.appendedResults()).isEqualTo(3);
    }

    @Test
    void aBatchSpooledBeforeTargetReadinessExistedIsReadWithNone() throws Exception {
        // as an agent of the version before workload mode wrote it: no "targets" field
        Files.writeString(dir.resolve("00000000000000000001.json"), "{\"agentId\":\"a\",\"results\":[{\"resultId\":\"1\","
                + "\"taskId\":\"t-1\",\"agentId\":\"a\",\"roundId\":\"r\",\"outcome\":\"CONNECTED\",\"latencyMicros\":1,"
                + "\"attempts\":1,\"detail\":\"\",\"atEpochMillis\":0}],\"selfChecks\":[]}");

        ResultSpool spool = new ResultSpool("a", dir, 100, Json.mapper());

        ResultBatch read = spool.oldest().orElseThrow().batch();
        assertThat(read.targets()).isEmpty();
        assertThat(read.results()).extracting(ProbeResult::resultId).containsExactly("1");
        assertThat(spool.entries()).isEqualTo(1);
    }

    @Test
    void aFullSpoolDropsWhatDoesNotFitAndCountsIt() {
        ResultSpool spool = new ResultSpool("a", dir, 3, Json.mapper());
        assertThat(spool.append(batch("1", "2"))).isZero();

        int dropped = spool.append(new ResultBatch("a", batch("3", "4").results(),
                List.of(new SelfCheckStatus("a", "r", List.of(), "", 0))));

        assertThat(dropped).isEqualTo(2);
        assertThat(spool.dropped()).isEqualTo(2);
        assertThat(spool.entries()).isEqualTo(3);
        spool.remove(spool.oldest().orElseThrow());
        assertThat(spool.oldest().orElseThrow().batch().selfChecks()).hasSize(1);
        assertThat(spool.oldest().orElseThrow().batch().results()).isEmpty();
    }

    @Test
    void aSpoolFoundOnDiskIsDeliveredInOrderAfterARestart() throws Exception {
        ResultSpool before = new ResultSpool("a", dir, 100, Json.mapper());
        before.append(batch("1"));
        before.append(batch("2"));
        Files.writeString(dir.resolve("00000000000000000003.json.tmp"), "{\"half");

        ResultSpool after = new ResultSpool("a", dir, 100, Json.mapper());

        assertThat(after.entries()).isEqualTo(2);
        assertThat(after.oldest().orElseThrow().batch()).isEqualTo(batch("1"));
        after.append(batch("3"));
        after.remove(after.oldest().orElseThrow());
        after.remove(after.oldest().orElseThrow());
        assertThat(after.oldest().orElseThrow().batch()).isEqualTo(batch("3"));
        assertThat(Files.exists(dir.resolve("00000000000000000003.json.tmp"))).isFalse();
    }
}
