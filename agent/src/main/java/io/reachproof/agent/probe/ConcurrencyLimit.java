package io.reachproof.agent.probe;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code limit} probes in flight; the rest wait in a queue. Nothing blocks: {@link #submit} and
 * {@link #release} start waiting jobs on the caller's thread, and jobs only hand work to an event loop.
 */
final class ConcurrencyLimit {

    private final int limit;
    private final AtomicInteger running = new AtomicInteger();
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    ConcurrencyLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1: " + limit);
        }
        this.limit = limit;
    }

    /** Runs {@code job} now if a slot is free, later otherwise; the job must call {@link #release} when done. */
    void submit(Runnable job) {
        waiting.add(job);
        drain();
    }

    void release() {
        running.decrementAndGet();
        drain();
    }

    int inFlight() {
        return running.get();
    }

    int queued() {
        return waiting.size();
    }

    private void drain() {
        while (!waiting.isEmpty()) {
            int now = running.get();
            if (now >= limit) {
                return;
            }
            if (!running.compareAndSet(now, now + 1)) {
                continue;
            }
            Runnable job = waiting.poll();
            if (job == null) {
                running.decrementAndGet();
                continue;
            }
            job.run();
        }
    }
}
