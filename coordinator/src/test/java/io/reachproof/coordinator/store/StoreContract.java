package io.reachproof.coordinator.store;

import static io.reachproof.coordinator.testing.RoundReports.change;
import static io.reachproof.coordinator.testing.RoundReports.round;
import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.coordinator.signal.SignalEvent;
import io.reachproof.protocol.RoundReport;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every database under {@link JdbcStore} must do; H2 and PostgreSQL run it. */
abstract class StoreContract {

    static final long T0 = Instant.parse("2026-11-01T10:00:00Z").toEpochMilli();

    abstract ProofStore store();

    static ReportQuery all() {
        return new ReportQuery(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), Optional.empty(), Optional.empty());
    }

    static RoundReport holeRound(String id, long at) {
        return round("shop", id, at).suspect(change("shop", "allow-all")).traceId("0af7651916cd43dd8448eb211c80319c")
                .ok("frontend", "payments", 8443).hole("frontend", "db", 5432).build();
    }

    static RollbackSignal signal(SignalEvent event, RoundReport r, long opened) {
        return new RollbackSignal("shop-ep-1", event, "shop", "ep-1", r.roundId(), r.traceId(), r.finishedAtEpochMillis(),
                opened, r.mismatches(), r.suspectChange());
    }

    @Test
    void aRoundIsKeptWithItsMismatchesOnce() {
        RoundReport r = holeRound("r-1", T0);
        store().recordRound(r);
        store().recordRound(r);

        ProofRecord record = store().read(all());

        assertThat(record.rounds()).singleElement().satisfies(x -> {
            assertThat(x.roundId()).isEqualTo("r-1");
            assertThat(x.expectation()).isEqualTo("shop");
            assertThat(x.startedAt()).isEqualTo("2026-11-01T10:00:00Z");
            assertThat(x.finishedAt()).isEqualTo("2026-11-01T10:00:00.800Z");
            assertThat(x.cells()).isEqualTo(2);
            assertThat(x.mismatches()).isEqualTo(1);
            assertThat(x.coverage()).isEqualTo(1.0);
            assertThat(x.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        });
    }

    @Test
    void anEpisodeKeepsItsKeyFromOpenedToResolved() {
        RoundReport opened = holeRound("r-1", T0);
        store().recordSignal(signal(SignalEvent.OPENED, opened, opened.finishedAtEpochMillis()));
        assertThat(store().openEpisodes()).singleElement().satisfies(e -> {
            assertThat(e.idempotencyKey()).isEqualTo("shop-ep-1");
            assertThat(e.state()).isEqualTo("OPENED");
            assertThat(e.resolvedAt()).isNull();
            assertThat(e.cluster()).isEqualTo("aws-lab,gcp-lab");
            assertThat(e.suspectChange().name()).isEqualTo("allow-all");
            assertThat(e.mismatches()).hasSize(1);
        });

        RoundReport later = holeRound("r-2", T0 + 30_000);
        store().recordSignal(signal(SignalEvent.RESOLVED, later, opened.finishedAtEpochMillis()));

        assertThat(store().openEpisodes()).isEmpty();
        assertThat(store().read(all()).episodes()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("ep-1");
            assertThat(e.state()).isEqualTo("RESOLVED");
            assertThat(e.openedAt()).isEqualTo("2026-11-01T10:00:00.800Z");
            assertThat(e.resolvedAt()).isEqualTo("2026-11-01T10:00:30.800Z");
        });
    }

    @Test
    void versionsAreKeptOncePerContentHash() {
        PolicyVersion v1 = new PolicyVersion("gcp-lab", "shop", "allow-all", "aa11", Optional.of("41"),
                Optional.of("kubectl-edit"), "2026-11-01T09:00:00Z", "coordinator-0", "spec: {}\n");
        store().recordPolicyVersion(v1);
        store().recordPolicyVersion(v1);
        store().recordExpectationVersion(new ExpectationVersion("shop", "bb22", "/etc/reachproof/shop.yaml",
                Optional.of("3f2c1e0"), "2026-11-01T08:00:00Z"));

        ProofRecord record = store().read(all());

        assertThat(record.policyVersions()).containsExactly(v1);
        assertThat(record.expectationVersions()).singleElement()
                .satisfies(e -> assertThat(e.gitRevision()).contains("3f2c1e0"));
    }

    @Test
    void aReportShowsItsPeriodAndExpectationOnly() {
        store().recordRound(holeRound("r-1", T0));
        store().recordRound(holeRound("r-2", T0 + 3_600_000));
        store().recordRound(round("billing", "r-3", T0 + 60_000).ok("a", "b", 80).build());

        ProofRecord record = store().read(new ReportQuery(Instant.ofEpochMilli(T0 + 1000),
                Instant.ofEpochMilli(T0 + 7_200_000), Optional.empty(), Optional.of("shop")));

        assertThat(record.rounds()).extracting(ProofRecord.Round::roundId).containsExactly("r-2");
    }

    @Test
    void pruningRemovesWhatEndedBeforeTheRetention() {
        store().recordRound(holeRound("old", T0));
        store().recordRound(holeRound("new", T0 + 86_400_000));

        int pruned = store().prune(Instant.ofEpochMilli(T0 + 3_600_000));

        assertThat(pruned).isEqualTo(1);
        assertThat(store().read(all()).rounds()).extracting(ProofRecord.Round::roundId).containsExactly("new");
    }
}
