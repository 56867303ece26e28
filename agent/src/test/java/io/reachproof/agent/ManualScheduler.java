package io.reachproof.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler driven by the test on the test's thread: tasks run only in {@link #advance}, in the order
 * of their due time on a {@link ManualClock}, which moves to each task's time as it runs. Nothing waits.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private static final int MAX_RUNS_PER_ADVANCE = 100_000;

    private final ManualClock clock;
    private final PriorityQueue<Task> queue = new PriorityQueue<>(
            Comparator.comparing((Task t) -> t.due).thenComparingLong(t -> t.sequence));
    private long sequence;
    private boolean shutdown;

    public ManualScheduler(ManualClock clock) {
        this.clock = clock;
    }

    public ManualClock clock() {
        return clock;
    }

    /** Moves the clock by {@code d}, running every task that falls due on the way (and those they schedule). */
    public void advance(Duration d) {
        Instant target = clock.instant().plus(d);
        int runs = 0;
        Task next;
        while ((next = queue.peek()) != null && !next.due.isAfter(target)) {
            queue.poll();
            if (next.cancelled) {
                continue;
            }
            if (++runs > MAX_RUNS_PER_ADVANCE) {
                throw new IllegalStateException("tasks keep scheduling each other without time passing");
            }
            clock.advanceTo(next.due);
            next.runOnce();
            if (next.delay != null && !next.cancelled && !shutdown) {
                next.due = clock.instant().plus(next.delay);
                queue.add(next);
            }
        }
        clock.advanceTo(target);
    }

    /** Runs what is due now. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Tasks waiting (not cancelled). */
    public int pending() {
        return (int) queue.stream().filter(t -> !t.cancelled).count();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(command, delay, unit, null);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return add(command, initialDelay, unit, Duration.ofNanos(unit.toNanos(delay)));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed yet");
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed yet");
    }

    @Override
    public void execute(Runnable command) {
        add(command, 0, TimeUnit.MILLISECONDS, null);
    }

    private Task add(Runnable command, long delay, TimeUnit unit, Duration repeat) {
        if (shutdown) {
            throw new RejectedExecutionException("scheduler shut down");
        }
        Task t = new Task(command, clock.instant().plusNanos(unit.toNanos(delay)), repeat, sequence++);
        queue.add(t);
        return t;
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>();
        queue.forEach(t -> left.add(t.command));
        queue.clear();
        return left;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return shutdown;
    }

    private static final class Task implements ScheduledFuture<Object> {
        final Runnable command;
        final Duration delay;
        final long sequence;
        Instant due;
        volatile boolean cancelled;
        volatile boolean done;

        Task(Runnable command, Instant due, Duration delay, long sequence) {
            this.command = command;
            this.due = due;
            this.delay = delay;
            this.sequence = sequence;
        }

        void runOnce() {
            command.run();
            if (delay == null) {
                done = true;
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            throw new UnsupportedOperationException("not needed yet");
        }

        @Override
        public int compareTo(Delayed o) {
            throw new UnsupportedOperationException("not needed yet");
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            cancelled = true;
            return !done;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("not needed yet");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("not needed yet");
        }
    }
}
