package io.reachproof.coordinator.store;

import static io.reachproof.coordinator.testing.RoundReports.change;
import static io.reachproof.coordinator.testing.RoundReports.round;
import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.coordinator.report.ProofReport;
import io.reachproof.coordinator.report.ReportFormat;
import io.reachproof.coordinator.testing.RoundReports;
import io.reachproof.protocol.RoundReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's figures (scripts/bench-store; not part of the suite): write cost per round at 45 and 4,500 cells, on
 * PostgreSQL and H2; report time for 30 days of 30 s rounds (86,400) on PostgreSQL; database size per day. Prints
 * them to target/store-figures.txt.
 */
class StoreFigures {

    static final long T0 = Instant.parse("2026-10-01T00:00:00Z").toEpochMilli();
    static final int ROUNDS_30_DAYS = 86_400;

    @TempDir
    Path dir;

    /** A round of {@code cells} cells of which {@code mismatches} are HOLEs. */
    static RoundReport roundOf(String id, long at, int cells, int mismatches) {
        RoundReports.Builder b = round("shop", id, at);
        if (mismatches > 0) {
            b.suspect(change("shop", "db-ingress")).traceId("4bf92f3577b34da6a3ce929d0e0e4736");
        }
        for (int i = 0; i < cells; i++) {
            int port = 1000 + i;
            if (i < mismatches) {
                b.hole("frontend", "db", port);
            } else {
                b.ok("frontend", "payments", port);
            }
        }
        return b.build();
    }

    static String median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "%.2f ms (p90 %.2f ms)", sorted.get(sorted.size() / 2) / 1e6,
                sorted.get(sorted.size() * 9 / 10) / 1e6);
    }

    static String writeCost(ProofStore store, String prefix, int cells, int mismatches, int n) {
        RoundReport warm = roundOf(prefix + "-warm-" + cells + "-" + mismatches, T0, cells, mismatches);
        store.recordRound(warm);
        List<RoundReport> rounds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rounds.add(roundOf(prefix + "-" + cells + "-" + mismatches + "-" + i, T0 + i * 30_000L, cells, mismatches));
        }
        List<Long> took = new ArrayList<>();
        for (RoundReport r : rounds) {
            long t = System.nanoTime();
            store.recordRound(r);
            took.add(System.nanoTime() - t);
        }
        return median(took);
    }

    @Test
    void figures() throws Exception {
        List<String> lines = new ArrayList<>();
        try (TestPostgres pg = TestPostgres.start(); JdbcStore store = JdbcStore.open(pg.settings());
                JdbcStore h2 = JdbcStore.open(StoreSettings.h2In(dir))) {
            for (int[] c : new int[][] {{45, 0}, {45, 45}, {4500, 0}, {4500, 45}, {4500, 4500}}) {
                int n = c[0] * Math.max(1, c[1]) > 100_000 ? 20 : 100;
                lines.add(String.format(Locale.ROOT, "write cost per round, %,d cells, %,d mismatches: PostgreSQL %s, H2 %s",
                        c[0], c[1], writeCost(store, "pg", c[0], c[1], n), writeCost(h2, "h2", c[0], c[1], n)));
            }

            try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), ""); Statement s = c.createStatement()) {
                s.execute("TRUNCATE rp_mismatch, rp_round");
                s.execute("VACUUM FULL");
            }
            long before = databaseSize(pg);
            long t = System.nanoTime();
            for (int i = 0; i < ROUNDS_30_DAYS; i++) {
                // 45 cells; one round in a hundred has 2 mismatches
                store.recordRound(roundOf("shop-" + i + "-month", T0 + i * 30_000L, 45, i % 100 == 0 ? 2 : 0));
            }
            long wrote = System.nanoTime() - t;
            try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), ""); Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE");
            }
            long after = databaseSize(pg);
            lines.add(String.format(Locale.ROOT, "writing %,d rounds (30 days at 30 s, 45 cells, 1%% with 2 mismatches):"
                    + " %.1f s, %.2f ms per round", ROUNDS_30_DAYS, wrote / 1e9, wrote / 1e6 / ROUNDS_30_DAYS));
            lines.add(String.format(Locale.ROOT, "PostgreSQL size per day of one set at 30 s: %.2f MB (%,d bytes for 30 days)",
                    (after - before) / 30.0 / 1e6, after - before));

            ReportQuery month = new ReportQuery(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + ROUNDS_30_DAYS * 30_000L),
                    Optional.empty(), Optional.empty());
            ProofReport report = new ProofReport();
            for (ReportFormat f : ReportFormat.values()) {
                long r0 = System.nanoTime();
                ProofRecord record = store.read(month);
                long r1 = System.nanoTime();
                String text = report.render(record, f);
                long r2 = System.nanoTime();
                assertThat(record.rounds()).hasSize(ROUNDS_30_DAYS);
                lines.add(String.format(Locale.ROOT, "report of %,d rounds on PostgreSQL, %s: %.2f s (read %.2f s, render"
                        + " %.2f s), %,d bytes", ROUNDS_30_DAYS, f.name().toLowerCase(Locale.ROOT), (r2 - r0) / 1e9,
                        (r1 - r0) / 1e9, (r2 - r1) / 1e9, text.length()));
            }
        }
        lines.forEach(System.out::println);
        Files.write(Path.of("target", "store-figures.txt"), lines);
    }

    static long databaseSize(TestPostgres pg) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), ""); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
