package io.reachproof.coordinator.store;

import static io.reachproof.coordinator.testing.RoundReports.round;
import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.protocol.RoundReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped for 60 s while rounds finish every 500 ms: every round goes on being recorded (buffered) without
 * the round path waiting, and once the database is back every round is in it, none dropped, none twice.
 */
class StoreOutageIT {

    @Test
    void roundsFinishedWhileTheDatabaseIsAwayAreWrittenWhenItIsBack() throws Exception {
        try (TestPostgres pg = TestPostgres.start()) {
            JdbcStore jdbc = JdbcStore.open(pg.settings());
            try (BufferedStore store = new BufferedStore(jdbc, pg.settings(), 10_000, Duration.ofMillis(500),
                    Duration.ofHours(1), Clock.systemUTC())) {
                List<String> ids = new ArrayList<>();
                long t0 = System.currentTimeMillis();
                long slowestRecord = 0;
                int n = 0;
                boolean stopped = false;
                boolean restarted = false;
                while (System.currentTimeMillis() - t0 < 80_000) {
                    long elapsed = System.currentTimeMillis() - t0;
                    if (!stopped && elapsed > 10_000) {
                        pg.stopServer();
                        stopped = true;
                    }
                    if (stopped && !restarted && elapsed > 70_000) {
                        pg.startServer();
                        restarted = true;
                    }
                    RoundReport r = round("shop", "shop-" + n + "-outage", System.currentTimeMillis())
                            .ok("frontend", "payments", 8443).hole("frontend", "db", 5432).build();
                    long before = System.nanoTime();
                    store.recordRound(r);
                    slowestRecord = Math.max(slowestRecord, System.nanoTime() - before);
                    ids.add(r.roundId());
                    n++;
                    Thread.sleep(500);
                }

                assertThat(store.awaitWritten(Duration.ofSeconds(60))).as("the buffer drained").isTrue();
                assertThat(store.dropped()).isZero();
                assertThat(Duration.ofNanos(slowestRecord)).as("a round never waits on the database")
                        .isLessThan(Duration.ofMillis(50));
                ProofRecord all = jdbc.read(new ReportQuery(Instant.EPOCH, Instant.now().plusSeconds(60), Optional.empty(),
                        Optional.empty()));
                assertThat(all.rounds()).extracting(ProofRecord.Round::roundId).containsExactlyInAnyOrderElementsOf(ids);
                assertThat(ids).hasSizeGreaterThan(150);
            }
        }
    }
}
