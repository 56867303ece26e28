package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.evaluate.RoundEvaluator;
import io.reachproof.coordinator.evaluate.RoundObservations;
import io.reachproof.protocol.RoundReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a closed round goes through, in this order: {@link #evaluate}, {@link #enrich} (the trace id),
 * {@link #publish} to the listeners, {@link #keep} in the history. Each step gets what the one before
 * returned, so listeners see the trace id and history keeps what listeners saw. Runs on the caller's
 * thread; owns none.
 */
final class ClosePipeline {

    private static final Logger LOG = LoggerFactory.getLogger(ClosePipeline.class);

    private final RoundEvaluator evaluator;
    private final RoundEnricher enricher;
    private final RoundListener listener;
    private final InMemoryRoundHistory history;

    ClosePipeline(RoundEvaluator evaluator, RoundEnricher enricher, RoundListener listener, InMemoryRoundHistory history) {
        this.evaluator = requireNonNull(evaluator, "evaluator");
        this.enricher = requireNonNull(enricher, "enricher");
        this.listener = requireNonNull(listener, "listener");
        this.history = requireNonNull(history, "history");
    }

    /** The round's report, as kept: evaluated, enriched, published and kept. */
    RoundReport close(RoundObservations observed) {
        return keep(publish(enrich(evaluate(observed))));
    }

    RoundReport evaluate(RoundObservations observed) {
        return evaluator.evaluate(observed);
    }

    /** A failing enricher costs the round its enrichment, not its report. */
    RoundReport enrich(RoundReport report) {
        try {
            RoundReport enriched = enricher.enrich(report);
            return enriched == null ? report : enriched;
        } catch (RuntimeException e) {
            LOG.warn("enriching round {} of {} failed: published without", report.roundId(), report.expectation(), e);
            return report;
        }
    }

    /** Tells the listener; a listener may still return an enriched report, which is the one kept. */
    RoundReport publish(RoundReport report) {
        RoundReport told = listener.onRound(report);
        return told == null ? report : told;
    }

    RoundReport keep(RoundReport report) {
        history.add(report);
        return report;
    }
}
