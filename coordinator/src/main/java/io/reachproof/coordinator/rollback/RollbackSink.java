package io.reachproof.coordinator.rollback;

import io.reachproof.coordinator.signal.RollbackSignal;
import static java.util.Objects.requireNonNull;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where rollback signals go: a signed webhook, Kubernetes Events, ... Called on the round thread:
 * {@link #send} must queue slow work and return at once, and must not throw.
 */
public interface RollbackSink extends AutoCloseable {

    /** Drops every signal. */
    RollbackSink NOOP = new RollbackSink() {
        @Override
        public void send(RollbackSignal signal) {
            requireNonNull(signal, "signal");
        }

        @Override
        public String toString() {
            return "RollbackSink.NOOP";
        }
    };

    void send(RollbackSignal signal);

    /** Stops background work; signals still queued may be lost. */
    @Override
    default void close() {
    }

    /** All of {@code sinks} in order; one failing sink never stops the others. */
    static RollbackSink composite(List<RollbackSink> sinks) {
        List<RollbackSink> all = List.copyOf(requireNonNull(sinks, "sinks"));
        Logger log = LoggerFactory.getLogger(RollbackSink.class);
        return new RollbackSink() {
            @Override
            public void send(RollbackSignal signal) {
                for (RollbackSink sink : all) {
                    try {
                        sink.send(signal);
                    } catch (RuntimeException e) {
                        log.warn("rollback sink {} failed on signal {} ({} {})", sink, signal.idempotencyKey(),
                                signal.event(), signal.expectation(), e);
                    }
                }
            }

            @Override
            public void close() {
                for (RollbackSink sink : all) {
                    try {
                        sink.close();
                    } catch (RuntimeException e) {
                        log.warn("rollback sink {} failed to close", sink, e);
                    }
                }
            }

            @Override
            public String toString() {
                return "composite" + all;
            }
        };
    }
}
