package io.reachproof.coordinator.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.coordinator.evaluate.RoundEvaluator;
import io.reachproof.protocol.RoundReport;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ClosePipelineTest {

    private final InMemoryRoundHistory history = new InMemoryRoundHistory(Set.of("lab"), 3);
    private final List<String> steps = new CopyOnWriteArrayList<>();

    private ClosePipeline pipeline(RoundEnricher enricher, RoundListener listener) {
        return new ClosePipeline(new RoundEvaluator(2), enricher, listener, history);
    }

    @Test
    void evaluateThenEnrichThenPublishThenKeep() {
        ClosePipeline pipeline = pipeline(report -> {
            steps.add("enrich " + report.roundId() + " (" + report.cells().size() + " cells)");
            return report.withTraceId("trace-1");
        }, report -> {
            steps.add("publish " + report.traceId() + ", kept so far: " + history.reports("lab").size());
            return report;
        });

        RoundReport kept = pipeline.close(TestRounds.unanswered("lab-1-boot", 1_000));

        assertThat(steps).containsExactly(
                "enrich lab-1-boot (" + TestRounds.labPlan().cells().size() + " cells)",
                "publish trace-1, kept so far: 0");
        assertThat(kept.traceId()).isEqualTo("trace-1");
        assertThat(history.latest("lab")).containsSame(kept);
    }

    @Test
    void historyKeepsWhatTheListenerReturned() {
        ClosePipeline pipeline = pipeline(RoundEnricher.NONE, report -> report.withTraceId("from-listener"));

        RoundReport kept = pipeline.close(TestRounds.unanswered("lab-1-boot", 1_000));

        assertThat(kept.traceId()).isEqualTo("from-listener");
        assertThat(history.latest("lab")).containsSame(kept);
    }

    @Test
    void aListenerOrEnricherReturningNullLeavesTheReportAsItWas() {
        ClosePipeline pipeline = pipeline(report -> null, report -> null);

        RoundReport kept = pipeline.close(TestRounds.unanswered("lab-1-boot", 1_000));

        assertThat(kept.roundId()).isEqualTo("lab-1-boot");
        assertThat(kept.traceId()).isNull();
        assertThat(history.latest("lab")).containsSame(kept);
    }

    @Test
    void aFailingEnricherCostsTheTraceIdNotTheRound() {
        ClosePipeline pipeline = pipeline(report -> {
            throw new IllegalStateException("exporter gone");
        }, report -> {
            steps.add("publish " + report.roundId());
            return report;
        });

        RoundReport kept = pipeline.close(TestRounds.unanswered("lab-1-boot", 1_000));

        assertThat(steps).containsExactly("publish lab-1-boot");
        assertThat(kept.traceId()).isNull();
        assertThat(history.latest("lab")).containsSame(kept);
    }

    @Test
    void aFailingListenerFailsTheCloseAndNothingIsKept() {
        ClosePipeline pipeline = pipeline(RoundEnricher.NONE, report -> {
            throw new IllegalStateException("listener broke");
        });

        assertThatThrownBy(() -> pipeline.close(TestRounds.unanswered("lab-1-boot", 1_000)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("listener broke");
        assertThat(history.latest("lab")).isEmpty();
    }
}
