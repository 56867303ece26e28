package io.reachproof.coordinator.restore;

import io.reachproof.coordinator.store.StoreSettings;
import io.reachproof.coordinator.store.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** Rollback's memory on a real PostgreSQL server (Debian's, started for this test on a loopback port). */
class RestoreMemoryPostgresIT extends RestoreMemoryContract {

    private static TestPostgres pg;

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
    void emptySchema() throws Exception {
        pg.emptySchema();
    }

    @Override
    StoreSettings settings() {
        return pg.settings();
    }
}
