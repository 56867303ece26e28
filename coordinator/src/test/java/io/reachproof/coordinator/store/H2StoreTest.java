package io.reachproof.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on an H2 file in a data directory, as the embedded default and the lab use it. */
class H2StoreTest extends StoreContract {

    @TempDir
    Path dataDir;
    private JdbcStore store;

    @BeforeEach
    void open() throws StoreUnavailable {
        store = JdbcStore.open(StoreSettings.h2In(dataDir));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Override
    ProofStore store() {
        return store;
    }

    @Test
    void theRecordOutlivesTheProcessInTheDataDirectory() throws StoreUnavailable {
        store.recordRound(holeRound("r-1", T0));
        store.close();

        assertThat(dataDir.resolve(StoreSettings.H2_FILE + ".mv.db")).exists();
        try (JdbcStore again = JdbcStore.open(StoreSettings.h2In(dataDir))) {
            assertThat(again.read(all()).rounds()).extracting(ProofRecord.Round::roundId).containsExactly("r-1");
        }
    }

    @Test
    void quartzTablesAreCreatedByTheMigrations() throws Exception {
        store.close();
        try (Connection c = DriverManager.getConnection(StoreSettings.h2Url(dataDir));
                Statement s = c.createStatement()) {
            assertThat(s.executeQuery("SELECT COUNT(*) FROM QRTZ_LOCKS").next()).isTrue();
            assertThat(s.executeQuery("SELECT COUNT(*) FROM QRTZ_FIRED_TRIGGERS").next()).isTrue();
        }
    }

    @Test
    void aSchemaNewerThanKnownIsRefusedNamingBothVersions() throws Exception {
        store.close();
        try (Connection c = DriverManager.getConnection(StoreSettings.h2Url(dataDir));
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO \"rp_schema_history\" (\"installed_rank\", \"version\", \"description\", \"type\","
                    + " \"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\")"
                    + " VALUES (99, '99', 'from the future', 'SQL', 'V99__from_the_future.sql', 0, 'test', 0, TRUE)");
        }

        assertThatThrownBy(() -> JdbcStore.open(StoreSettings.h2In(dataDir)))
                .isInstanceOf(StoreUnavailable.class)
                .hasMessage("the store at " + StoreSettings.h2Url(dataDir)
                        + " has schema version 99, newer than this coordinator knows (3): upgrade the coordinator");
    }

    @Test
    void aDirectoryThatCannotHoldTheFileIsNamed() throws Exception {
        Path file = Files.writeString(dataDir.resolve("not-a-dir"), "x");
        String url = StoreSettings.h2Url(file);

        assertThatThrownBy(() -> JdbcStore.open(StoreSettings.of(url)))
                .isInstanceOf(StoreUnavailable.class)
                .hasMessageStartingWith("cannot reach the store at " + url + ": ");
    }
}
