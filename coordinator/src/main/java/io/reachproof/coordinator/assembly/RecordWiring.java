package io.reachproof.coordinator.assembly;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.api.AdminToken;
import io.reachproof.coordinator.report.ReportRoute;
import io.reachproof.coordinator.rollback.RollbackSink;
import io.reachproof.coordinator.round.RoundListener;
import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.coordinator.gate.GateDecision;
import io.reachproof.coordinator.store.BufferedStore;
import io.reachproof.coordinator.store.GateRecord;
import io.reachproof.coordinator.store.Enforcement;
import io.reachproof.coordinator.telemetry.EnforcementTracker;
import java.time.Instant;
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

    /**
     * Writes each finished round (summary and mismatches) to the store, without waiting for it, and the time to
     * enforce of the change a round proves enforced (the telemetry's rule: the first clean round after it).
     */
    RoundListener roundListener() {
        EnforcementTracker enforcement = new EnforcementTracker();
        return new RoundListener() {
            @Override
            public io.reachproof.protocol.RoundReport onRound(io.reachproof.protocol.RoundReport report) {
                store.recordRound(report);
                enforcement.observe(report).ifPresent(e -> store.recordEnforcement(new Enforcement(e.change().cluster(),
                        e.change().namespace() + "/" + e.change().name()
                                + (e.change().resourceVersion() == null ? "" : "@" + e.change().resourceVersion()),
                        Instant.ofEpochMilli(e.change().atEpochMillis()).toString(),
                        Instant.ofEpochMilli(report.finishedAtEpochMillis()).toString(), e.took().toMillis())));
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

    /** Keeps each PASS or FAIL the gate answers (a rollout's verdict; pending and inconclusive polls are not kept). */
    java.util.function.BiConsumer<String, GateDecision> gateListener(Clock clock) {
        return (expectation, decision) -> {
            if (decision.state() == GateDecision.State.PASS || decision.state() == GateDecision.State.FAIL) {
                store.recordGateDecision(new GateRecord(expectation, clock.instant().toString(), decision.state().wireName(),
                        Optional.ofNullable(decision.round()).map(io.reachproof.protocol.RoundReport::roundId)));
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
