package io.reachproof.coordinator.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.PolicyChange;
import java.util.List;

/**
 * The living record of a period, as {@code reachproof report --format json} prints it: the rounds, every mismatch
 * episode, the policy versions seen and the expectation versions proven, plus time to enforce and gate decisions.
 * Times are ISO-8601 UTC.
 */
public record ProofRecord(ReportQuery query, List<Round> rounds, List<Episode> episodes,
        List<PolicyVersion> policyVersions, List<ExpectationVersion> expectationVersions,
        List<Enforcement> enforcements, List<GateRecord> gateDecisions) {

    public ProofRecord {
        requireNonNull(query, "query");
        rounds = List.copyOf(rounds);
        episodes = List.copyOf(episodes);
        policyVersions = List.copyOf(policyVersions);
        expectationVersions = List.copyOf(expectationVersions);
        enforcements = List.copyOf(enforcements);
        gateDecisions = List.copyOf(gateDecisions);
    }

    /** A finished round's summary. */
    public record Round(String roundId, String expectation, String startedAt, String finishedAt, boolean complete,
            double coverage, int cells, int mismatches, String traceId) {
        public Round {
            requireNonNull(roundId, "roundId");
            requireNonNull(expectation, "expectation");
            requireNonNull(startedAt, "startedAt");
            requireNonNull(finishedAt, "finishedAt");
        }
    }

    /**
     * A mismatch episode: from the round that opened it to the one that resolved it (null while open); its
     * mismatches as last signalled, its suspect change and trace id when known.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Episode(String key, String idempotencyKey, String expectation, String cluster, String state,
            String openedAt, String changedAt, String resolvedAt, String traceId, List<Mismatch> mismatches,
            PolicyChange suspectChange) {
        public Episode {
            requireNonNull(key, "key");
            requireNonNull(idempotencyKey, "idempotencyKey");
            requireNonNull(expectation, "expectation");
            requireNonNull(cluster, "cluster");
            requireNonNull(state, "state");
            requireNonNull(openedAt, "openedAt");
            mismatches = List.copyOf(mismatches);
        }
    }
}
