package io.reachproof.coordinator.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.coordinator.signal.SignalEvent;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.RoundReport;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proof record in a database over JDBC: H2 (embedded default) or PostgreSQL. {@link #open} migrates the schema
 * with Flyway ({@code db/migration/common}: the record's tables and rollback's memory, the same SQL for both; and
 * {@code db/migration/h2} or {@code db/migration/postgresql}: Quartz's standard JobStore tables) and refuses a schema
 * newer than it knows. One connection, used by one caller at a time (the {@link BufferedStore}'s writer, or a
 * report); a lost connection is opened again on the next call. Every method throws {@link StoreException} when the
 * database cannot be used.
 */
public final class JdbcStore implements ProofStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);
    private static final String UNIQUE_VIOLATION = "23505";

    private final StoreSettings settings;
    private final ObjectMapper json = Json.mapper();
    private Connection connection;

    private JdbcStore(StoreSettings settings) {
        this.settings = settings;
    }

    /**
     * Connects to {@code settings}' database and migrates it.
     *
     * @throws StoreUnavailable the database cannot be reached (the message names the URL), or its schema is newer
     *     than this coordinator knows (naming both versions)
     */
    public static JdbcStore open(StoreSettings settings) throws StoreUnavailable {
        requireNonNull(settings, "settings");
        JdbcStore store = new JdbcStore(settings);
        try {
            store.connection();
        } catch (SQLException e) {
            throw new StoreUnavailable("cannot reach the store at " + settings.url() + ": " + e.getMessage(), e);
        }
        try {
            store.migrate();
            return store;
        } catch (StoreUnavailable | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private void migrate() throws StoreUnavailable {
        Flyway flyway = Flyway.configure()
                .dataSource(settings.url(), settings.user().orElse(""), settings.password().orElse(""))
                .locations("classpath:db/migration/common", "classpath:db/migration/" + vendor())
                .table("rp_schema_history")
                .load();
        try {
            MigrationInfoService info = flyway.info();
            String known = Arrays.stream(info.all()).filter(m -> m.getState() != MigrationState.FUTURE_SUCCESS
                    && m.getState() != MigrationState.FUTURE_FAILED && m.getVersion() != null)
                    .map(m -> m.getVersion().getVersion()).reduce((a, b) -> b).orElse("none");
            Optional<MigrationInfo> future = Arrays.stream(info.all())
                    .filter(m -> m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED)
                    .reduce((a, b) -> b);
            if (future.isPresent()) {
                throw new StoreUnavailable("the store at " + settings.url() + " has schema version "
                        + future.get().getVersion() + ", newer than this coordinator knows (" + known
                        + "): upgrade the coordinator", null);
            }
            MigrateResult result = flyway.migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info("store {}: schema migrated from {} to {} ({} migrations)", settings.url(),
                        Optional.ofNullable(result.initialSchemaVersion).orElse("empty"), result.targetSchemaVersion,
                        result.migrationsExecuted);
            }
        } catch (FlywayException e) {
            throw new StoreUnavailable("cannot migrate the store at " + settings.url() + ": " + e.getMessage(), e);
        }
    }

    /** The folder of this database's migrations: {@code h2} or {@code postgresql}. */
    private String vendor() {
        return settings.url().startsWith("jdbc:h2:") ? "h2" : "postgresql";
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            Properties props = new Properties();
            settings.user().ifPresent(u -> props.setProperty("user", u));
            settings.password().ifPresent(p -> props.setProperty("password", p));
            if (settings.url().startsWith("jdbc:postgresql:")) {
                props.setProperty("connectTimeout", "5");
                props.setProperty("socketTimeout", "30");
            }
            connection = DriverManager.getConnection(settings.url(), props);
        }
        return connection;
    }

    /** Forgets a connection that failed, so the next call opens a new one. */
    private void lost() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing a failed store connection to {}", settings.url(), e);
            }
            connection = null;
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** {@code work} in one transaction. */
    private synchronized <T> T transaction(Work<T> work) {
        try {
            Connection c = connection();
            c.setAutoCommit(false);
            try {
                T value = work.run(c);
                c.commit();
                return value;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                if (!c.isClosed()) {
                    c.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                lost();
            }
            throw new StoreException("store " + settings.url() + ": " + e.getMessage(), e);
        }
    }

    private <T> T query(String sql, Rows<T> rows, Object... args) {
        return transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                bind(s, args);
                try (ResultSet rs = s.executeQuery()) {
                    return rows.read(rs);
                }
            }
        });
    }

    private static void bind(PreparedStatement s, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                s.setNull(i + 1, Types.NULL);
            } else if (a instanceof Long l) {
                s.setLong(i + 1, l);
            } else if (a instanceof Integer n) {
                s.setInt(i + 1, n);
            } else if (a instanceof Double d) {
                s.setDouble(i + 1, d);
            } else if (a instanceof Boolean b) {
                s.setBoolean(i + 1, b);
            } else {
                s.setString(i + 1, a.toString());
            }
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, args);
            return s.executeUpdate();
        }
    }

    /** Runs {@code work}; a row that is already there (unique key) is no error: writes are idempotent. */
    private void insertOnce(Work<?> work) {
        try {
            transaction(work);
        } catch (StoreException e) {
            if (!(e.getCause() instanceof SQLException s) || !UNIQUE_VIOLATION.equals(s.getSQLState())) {
                throw e;
            }
        }
    }

    private String toJson(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private <T> T fromJson(String text, Class<T> type) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("store " + settings.url() + ": unreadable " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    @Override
    public void recordRound(RoundReport r) {
        insertOnce(c -> {
            update(c, "INSERT INTO rp_round (round_id, expectation, started_at, finished_at, complete, coverage, cells,"
                    + " mismatches, trace_id, suspect_change) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    r.roundId(), r.expectation(), r.startedAtEpochMillis(), r.finishedAtEpochMillis(), r.complete(),
                    r.coverage(), r.cells().size(), r.mismatches().size(), r.traceId(), toJson(r.suspectChange()));
            if (!r.mismatches().isEmpty()) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO rp_mismatch (round_id, seq, kind,"
                        + " from_cluster, to_cluster, mismatch) VALUES (?, ?, ?, ?, ?, ?)")) {
                    int seq = 0;
                    for (Mismatch m : r.mismatches()) {
                        bind(s, r.roundId(), seq++, m.kind().name(), m.cell().from().cluster(), m.cell().to().cluster(),
                                toJson(m));
                        s.addBatch();
                    }
                    s.executeBatch();
                }
            }
            return null;
        });
    }

    @Override
    public void recordSignal(RollbackSignal s) {
        String clusters = String.join(",", new TreeSet<>(s.mismatches().stream()
                .flatMap(m -> java.util.stream.Stream.of(m.cell().from().cluster(), m.cell().to().cluster()))
                .filter(java.util.Objects::nonNull).toList()));
        Long resolved = s.event() == SignalEvent.RESOLVED ? s.atEpochMillis() : null;
        String mismatches = toJson(s.mismatches());
        transaction(c -> {
            int changed = update(c, "UPDATE rp_episode SET state = ?, changed_at = ?, resolved_at = ?,"
                    + " trace_id = COALESCE(?, trace_id), suspect_change = COALESCE(?, suspect_change),"
                    + " mismatches = ?, clusters = ? WHERE episode_key = ?",
                    s.event().name(), s.atEpochMillis(), resolved, s.traceId(), toJson(s.suspectChange()),
                    mismatches, clusters, s.episode());
            if (changed == 0) {
                update(c, "INSERT INTO rp_episode (episode_key, idempotency_key, expectation, clusters, state,"
                        + " opened_at, changed_at, resolved_at, trace_id, suspect_change, mismatches)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        s.episode(), s.idempotencyKey(), s.expectation(), clusters, s.event().name(),
                        s.openedAtEpochMillis(), s.atEpochMillis(), resolved, s.traceId(), toJson(s.suspectChange()),
                        mismatches);
            }
            return null;
        });
    }

    @Override
    public void recordPolicyVersion(PolicyVersion v) {
        insertOnce(c -> update(c, "INSERT INTO rp_policy_version (cluster, namespace, name, content_hash,"
                + " resource_version, manager, seen_at, seen_by, yaml) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                v.cluster(), v.namespace(), v.name(), v.contentHash(), v.resourceVersion().orElse(null),
                v.manager().orElse(null), millis(v.seenAt()), v.seenBy(), v.yaml()));
    }

    @Override
    public void recordExpectationVersion(ExpectationVersion v) {
        insertOnce(c -> update(c, "INSERT INTO rp_expectation_version (expectation, content_hash, file, git_revision,"
                + " seen_at) VALUES (?, ?, ?, ?, ?)", v.expectation(), v.contentHash(), v.file(),
                v.gitRevision().orElse(null), millis(v.seenAt())));
    }

    @Override
    public void recordEnforcement(Enforcement e) {
        insertOnce(c -> update(c, "INSERT INTO rp_enforcement (cluster, change_key, changed_at, enforced_at)"
                + " VALUES (?, ?, ?, ?)", e.cluster(), e.change(), millis(e.changedAt()), millis(e.enforcedAt())));
    }

    @Override
    public void recordGateDecision(GateRecord g) {
        insertOnce(c -> update(c, "INSERT INTO rp_gate_decision (expectation, decided_at, verdict, round_id)"
                + " VALUES (?, ?, ?, ?)", g.expectation(), millis(g.decidedAt()), g.verdict(), g.roundId().orElse(null)));
    }

    @Override
    public int prune(Instant before) {
        long at = before.toEpochMilli();
        return transaction(c -> {
            update(c, "DELETE FROM rp_mismatch WHERE round_id IN (SELECT round_id FROM rp_round WHERE finished_at < ?)", at);
            int rounds = update(c, "DELETE FROM rp_round WHERE finished_at < ?", at);
            update(c, "DELETE FROM rp_episode WHERE resolved_at IS NOT NULL AND resolved_at < ?", at);
            update(c, "DELETE FROM rp_enforcement WHERE enforced_at < ?", at);
            update(c, "DELETE FROM rp_gate_decision WHERE decided_at < ?", at);
            return rounds;
        });
    }

    @Override
    public ProofRecord read(ReportQuery q) {
        long since = q.since().toEpochMilli();
        long until = q.until().toEpochMilli();
        String set = q.expectation().orElse(null);
        String cluster = q.cluster().orElse(null);
        List<ProofRecord.Round> rounds = query("SELECT round_id, expectation, started_at, finished_at, complete,"
                + " coverage, cells, mismatches, trace_id FROM rp_round WHERE finished_at >= ? AND finished_at < ?"
                + " AND (CAST(? AS VARCHAR(253)) IS NULL OR expectation = ?) ORDER BY finished_at, round_id", rs -> {
                    List<ProofRecord.Round> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new ProofRecord.Round(rs.getString(1), rs.getString(2), iso(rs.getLong(3)),
                                iso(rs.getLong(4)), rs.getBoolean(5), rs.getDouble(6), rs.getInt(7), rs.getInt(8),
                                rs.getString(9)));
                    }
                    return out;
                }, since, until, set, set);
        List<ProofRecord.Episode> episodes = episodes("WHERE opened_at < ? AND (resolved_at IS NULL OR resolved_at >= ?)"
                + " AND (CAST(? AS VARCHAR(253)) IS NULL OR expectation = ?)", until, since, set, set).stream()
                .filter(e -> cluster == null || Arrays.asList(e.cluster().split(",")).contains(cluster)).toList();
        List<PolicyVersion> policies = query("SELECT cluster, namespace, name, content_hash, resource_version, manager,"
                + " seen_at, seen_by, yaml FROM rp_policy_version WHERE seen_at < ?"
                + " AND (CAST(? AS VARCHAR(253)) IS NULL OR cluster = ?) ORDER BY cluster, namespace, name, seen_at", rs -> {
                    List<PolicyVersion> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new PolicyVersion(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                Optional.ofNullable(rs.getString(5)), Optional.ofNullable(rs.getString(6)),
                                iso(rs.getLong(7)), rs.getString(8), rs.getString(9)));
                    }
                    return out;
                }, until, cluster, cluster);
        List<ExpectationVersion> expectations = query("SELECT expectation, content_hash, file, git_revision, seen_at"
                + " FROM rp_expectation_version WHERE seen_at < ? AND (CAST(? AS VARCHAR(253)) IS NULL OR expectation = ?)"
                + " ORDER BY expectation, seen_at", rs -> {
                    List<ExpectationVersion> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new ExpectationVersion(rs.getString(1), rs.getString(2), rs.getString(3),
                                Optional.ofNullable(rs.getString(4)), iso(rs.getLong(5))));
                    }
                    return out;
                }, until, set, set);
        List<Enforcement> enforcements = query("SELECT cluster, change_key, changed_at, enforced_at FROM rp_enforcement"
                + " WHERE enforced_at >= ? AND enforced_at < ? AND (CAST(? AS VARCHAR(253)) IS NULL OR cluster = ?)"
                + " ORDER BY enforced_at", rs -> {
                    List<Enforcement> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new Enforcement(rs.getString(1), rs.getString(2), iso(rs.getLong(3)), iso(rs.getLong(4)),
                                rs.getLong(4) - rs.getLong(3)));
                    }
                    return out;
                }, since, until, cluster, cluster);
        List<GateRecord> gates = query("SELECT expectation, decided_at, verdict, round_id FROM rp_gate_decision"
                + " WHERE decided_at >= ? AND decided_at < ? AND (CAST(? AS VARCHAR(253)) IS NULL OR expectation = ?)"
                + " ORDER BY decided_at", rs -> {
                    List<GateRecord> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new GateRecord(rs.getString(1), iso(rs.getLong(2)), rs.getString(3),
                                Optional.ofNullable(rs.getString(4))));
                    }
                    return out;
                }, since, until, set, set);
        return new ProofRecord(q, rounds, episodes, policies, expectations, enforcements, gates);
    }

    @Override
    public List<ProofRecord.Episode> openEpisodes() {
        return episodes("WHERE resolved_at IS NULL");
    }

    private List<ProofRecord.Episode> episodes(String where, Object... args) {
        return query("SELECT episode_key, idempotency_key, expectation, clusters, state, opened_at, changed_at,"
                + " resolved_at, trace_id, suspect_change, mismatches FROM rp_episode " + where + " ORDER BY opened_at",
                rs -> {
                    List<ProofRecord.Episode> out = new ArrayList<>();
                    while (rs.next()) {
                        long resolved = rs.getLong(8);
                        String resolvedAt = rs.wasNull() ? null : iso(resolved);
                        out.add(new ProofRecord.Episode(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5), iso(rs.getLong(6)), iso(rs.getLong(7)), resolvedAt,
                                rs.getString(9), Arrays.asList(fromJson(rs.getString(11), Mismatch[].class)),
                                fromJson(rs.getString(10), PolicyChange.class)));
                    }
                    return out;
                }, args);
    }

    @Override
    public List<RoundReport> recentRounds(String expectation, int newest) {
        return transaction(c -> {
            List<RoundReport> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT round_id, started_at, finished_at, complete, coverage,"
                    + " trace_id, suspect_change FROM rp_round WHERE expectation = ? ORDER BY started_at DESC, round_id")) {
                s.setMaxRows(newest);
                bind(s, expectation);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next() && out.size() < newest) {
                        out.add(new RoundReport(rs.getString(1), expectation, rs.getLong(2), rs.getLong(3),
                                rs.getBoolean(4), rs.getString(6), List.of(), List.of(), rs.getDouble(5), List.of(),
                                List.of(), Map.of(), fromJson(rs.getString(7), PolicyChange.class)));
                    }
                }
            }
            List<RoundReport> withMismatches = new ArrayList<>();
            for (RoundReport r : out) {
                List<Mismatch> mismatches = new ArrayList<>();
                try (PreparedStatement s = c.prepareStatement("SELECT mismatch FROM rp_mismatch WHERE round_id = ?"
                        + " ORDER BY seq")) {
                    bind(s, r.roundId());
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            mismatches.add(fromJson(rs.getString(1), Mismatch.class));
                        }
                    }
                }
                withMismatches.add(new RoundReport(r.roundId(), expectation, r.startedAtEpochMillis(),
                        r.finishedAtEpochMillis(), r.complete(), r.traceId(), mismatches.stream().map(Mismatch::cell).toList(),
                        mismatches, r.coverage(), List.of(), List.of(), Map.of(), r.suspectChange()));
            }
            return withMismatches;
        });
    }

    @Override
    public void recordProvenSet(ProvenSet v) {
        String policies = toJson(v.policies().toArray(new NetworkPolicy[0]));
        transaction(c -> {
            int newer = update(c, "UPDATE rp_proven_set SET proven_at = ?, round_id = ?, expectation = ? WHERE cluster = ?"
                    + " AND version_id = ? AND proven_at < ?", v.provenAtEpochMillis(), v.roundId(), v.expectation(),
                    v.cluster(), v.id(), v.provenAtEpochMillis());
            if (newer == 0) {
                try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM rp_proven_set WHERE cluster = ? AND version_id = ?")) {
                    bind(s, v.cluster(), v.id());
                    try (ResultSet rs = s.executeQuery()) {
                        if (!rs.next()) {
                            update(c, "INSERT INTO rp_proven_set (cluster, version_id, proven_at, round_id, expectation,"
                                    + " policies) VALUES (?, ?, ?, ?, ?, ?)", v.cluster(), v.id(), v.provenAtEpochMillis(),
                                    v.roundId(), v.expectation(), policies);
                        }
                    }
                }
            }
            return null;
        });
    }

    @Override
    public List<ProvenSet> provenSets(String cluster, int newest) {
        return query("SELECT version_id, proven_at, round_id, expectation, policies FROM rp_proven_set WHERE cluster = ?"
                + " ORDER BY proven_at DESC, version_id", rs -> {
                    List<ProvenSet> out = new ArrayList<>();
                    while (rs.next() && out.size() < newest) {
                        out.add(new ProvenSet(cluster, rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                                Arrays.asList(fromJson(rs.getString(5), NetworkPolicy[].class))));
                    }
                    return out;
                }, cluster);
    }

    @Override
    public void recordRollback(StoredRollback r) {
        insertOnce(c -> update(c, "INSERT INTO rp_rollback (rollback_id, at, cluster, outcome, rollback) VALUES (?, ?, ?, ?, ?)",
                r.id(), r.atEpochMillis(), r.cluster(), r.outcome(), r.json()));
    }

    @Override
    public List<StoredRollback> rollbacks(int newest) {
        return query("SELECT rollback_id, at, cluster, outcome, rollback FROM rp_rollback ORDER BY at DESC, rollback_id", rs -> {
            List<StoredRollback> out = new ArrayList<>();
            while (rs.next() && out.size() < newest) {
                out.add(new StoredRollback(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5)));
            }
            return out;
        });
    }

    @Override
    public void recordRolledBackContent(String content) {
        insertOnce(c -> update(c, "INSERT INTO rp_rolled_back_content (content, at) VALUES (?, ?)", content,
                System.currentTimeMillis()));
    }

    @Override
    public boolean wasRolledBack(String content) {
        return query("SELECT 1 FROM rp_rolled_back_content WHERE content = ?", ResultSet::next, content);
    }

    private static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    private static long millis(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Override
    public synchronized void close() {
        lost();
    }

    @Override
    public String toString() {
        return "JdbcStore[" + settings + "]";
    }
}
