package io.reachproof.coordinator.rollback;

import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.coordinator.signal.SignalEvent;
import io.reachproof.coordinator.signal.SignalTracker;
import static io.reachproof.coordinator.testing.RoundReports.round;
import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.coordinator.signal.SignalTracker.Confirmations;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RollbackSinkTest {

    private static RollbackSignal signal() {
        return new SignalTracker(Confirmations.DEFAULT)
                .observe(round("lab", "r1", 1000).hole("frontend", "payments", 7001).build()).orElseThrow();
    }

    @Test
    void compositeSendsToEverySinkEvenWhenOneThrows() {
        List<String> seen = new ArrayList<>();
        RollbackSink failing = s -> {
            throw new IllegalStateException("boom");
        };
        RollbackSink composite = RollbackSink.composite(List.of(s -> seen.add("a " + s.event()), failing,
                s -> seen.add("b " + s.event())));

        composite.send(signal());

        assertThat(seen).containsExactly("a OPENED", "b OPENED");
    }

    @Test
    void compositeClosesEverySink() {
        List<String> closed = new ArrayList<>();
        RollbackSink composite = RollbackSink.composite(List.of(sink("a", closed), sink("b", closed)));

        composite.close();

        assertThat(closed).containsExactly("a", "b");
    }

    @Test
    void listenerPassesTheReportOnAndSendsEachSignalOnce() {
        List<RollbackSignal> sent = new ArrayList<>();
        RollbackSignals listener = new RollbackSignals(new SignalTracker(Confirmations.DEFAULT), sent::add);
        var report = round("lab", "r1", 1000).hole("frontend", "payments", 7001).build();

        assertThat(listener.onRound(report)).isSameAs(report);
        listener.onRound(round("lab", "r2", 2000).hole("frontend", "payments", 7001).build());

        assertThat(sent).extracting(RollbackSignal::event).containsExactly(SignalEvent.OPENED);
    }

    @Test
    void noopAcceptsSignals() {
        RollbackSink.NOOP.send(signal());
        assertThat(RollbackSink.NOOP).hasToString("RollbackSink.NOOP");
    }

    private static RollbackSink sink(String name, List<String> closed) {
        return new RollbackSink() {
            @Override
            public void send(RollbackSignal signal) {
            }

            @Override
            public void close() {
                closed.add(name);
            }
        };
    }
}
