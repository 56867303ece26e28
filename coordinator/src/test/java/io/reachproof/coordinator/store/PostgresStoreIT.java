package io.reachproof.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store on a real PostgreSQL server (Debian's, started for this test on a loopback port). */
class PostgresStoreIT extends StoreContract {

    private static TestPostgres pg;
    private JdbcStore store;

    @BeforeAll
    static void startPostgres() {
        pg = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void open() throws Exception {
        pg.emptySchema();
        store = JdbcStore.open(pg.settings());
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
    void quartzTablesAreCreatedByTheMigrations() throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE 'qrtz_%'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(11);
        }
    }

    @Test
    void anUnreachableDatabaseIsNamedByItsUrl() {
        String url = "jdbc:postgresql://127.0.0.1:1/reachproof";
        StoreSettings nowhere = new StoreSettings(url, Optional.of("reachproof"), Optional.of("secret"),
                StoreSettings.DEFAULT_RETENTION);

        assertThatThrownBy(() -> JdbcStore.open(nowhere))
                .isInstanceOf(StoreUnavailable.class)
                .hasMessageStartingWith("cannot reach the store at " + url + ": ")
                .message().doesNotContain("secret");
    }
}
