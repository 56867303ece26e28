package io.reachproof.coordinator.restore;

import io.reachproof.coordinator.store.StoreSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Rollback's memory on an H2 file in a data directory, as the embedded default and the lab keep it. */
class RestoreMemoryH2Test extends RestoreMemoryContract {

    @TempDir
    Path dataDir;

    @Override
    StoreSettings settings() {
        return StoreSettings.h2In(dataDir);
    }
}
