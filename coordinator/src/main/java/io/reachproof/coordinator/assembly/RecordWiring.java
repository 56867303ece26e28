package io.reachproof.coordinator.assembly;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.api.AdminToken;
import io.reachproof.coordinator.report.ReportRoute;
import io.reachproof.coordinator.rollback.RollbackSink;
import io.reachproof.coordinator.round.RoundListener;
import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.coordinator.store.BufferedStore;
import io.reachproof.coordinator.store.JdbcStore;
import io.reachproof.coordinator.store.RecordSettings;
import io.reachproof.coordinator.store.StoreUnavailable;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proof record's part of the coordinator: the store (migrated at start; an unreachable database or a newer schema
 * fails the start), the buffer in front of it, the round listener and rollback sink that write to it, and
 * {@code GET /v1/report}.
 */
final class RecordWiring implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecordWiring.class);

    private final BufferedStore store;
    private final ExecutorService reads;

    private RecordWiring(BufferedStore store) {
        this.store = store;
        this.reads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "report-reads");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens and migrates the store; records the expectation versions the coordinator proves. */
    static RecordWiring start(RecordSettings settings) throws StartFailure {
        requireNonNull(settings, "settings");
        JdbcStore jdbc;
        try {
            jdbc = JdbcStore.open(settings.store());
        } catch (StoreUnavailable e) {
            throw new StartFailure(e.getMessage(), e);
        }
        RecordWiring wiring = new RecordWiring(BufferedStore.of(jdbc, settings.store()));
        settings.expectations().forEach(wiring.store::recordExpectationVersion);
        LOG.info("proof record in {} (kept {})", settings.store(), settings.store().retention());
        return wiring;
    }

    BufferedStore store() {
        return store;
    }

    /** Writes each finished round (summary and mismatches) to the store, without waiting for it. */
    RoundListener roundListener() {
        return new RoundListener() {
            @Override
            public io.reachproof.protocol.RoundReport onRound(io.reachproof.protocol.RoundReport report) {
                store.recordRound(report);
                return report;
            }

            @Override
            public String toString() {
                return "proof record";
            }
        };
    }

    /** Writes each rollback signal to its episode. */
    RollbackSink sink() {
        return new RollbackSink() {
            @Override
            public void send(RollbackSignal signal) {
                store.recordSignal(signal);
            }

            @Override
            public String toString() {
                return "proof record";
            }
        };
    }

    ReportRoute route(Optional<String> adminToken, Clock clock) {
        return new ReportRoute(store, new AdminToken(adminToken), clock, reads);
    }

    @Override
    public void close() {
        reads.shutdownNow();
        store.close();
    }
}
