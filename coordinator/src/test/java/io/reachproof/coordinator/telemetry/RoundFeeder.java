package io.reachproof.coordinator.telemetry;

import io.reachproof.coordinator.round.RoundListener;
import io.reachproof.protocol.PolicyChange;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Feeds lab-shaped rounds to a listener on a timer, as a coordinator's round thread would: in cycles of
 * four, a policy change opens a HOLE for two rounds, then two clean rounds prove it enforced. Bounded:
 * stops by itself after {@code maxRounds}.
 */
final class RoundFeeder implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "round-feeder");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger fed = new AtomicInteger();

    RoundFeeder(RoundListener listener, Clock clock, long everyMillis, int maxRounds) {
        timer.scheduleAtFixedRate(() -> {
            int i = fed.getAndIncrement();
            if (i >= maxRounds) {
                timer.shutdown();
                return;
            }
            long now = clock.millis();
            int phase = i % 4;
            PolicyChange change = LabReports.change("policy-" + (i / 4), now - 2_000 - phase * everyMillis);
            listener.onRound(LabReports.round("r-" + i, now - 1_250, phase < 2, phase < 3 ? change : null));
        }, 0, everyMillis, TimeUnit.MILLISECONDS);
    }

    int fed() {
        return fed.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
