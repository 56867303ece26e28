package io.reachproof.coordinator.round;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose time moves only when a test says so: {@link #advance} runs, on the test's thread, every
 * task that has come due, in the order they fall due. One-shot tasks only.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final List<Task<?>> queue = new ArrayList<>();
    private long nowMillis;
    private boolean shutDown;

    /** Moves time on by {@code by} and runs what came due meanwhile. */
    void advance(Duration by) {
        long until = nowMillis + by.toMillis();
        while (true) {
            Task<?> next;
            synchronized (this) {
                next = queue.stream().filter(t -> !t.isCancelled() && t.dueMillis <= until)
                        .min(Comparator.comparingLong(t -> t.dueMillis)).orElse(null);
                if (next == null) {
                    nowMillis = until;
                    queue.removeIf(FutureTask::isCancelled);
                    return;
                }
                queue.remove(next);
                nowMillis = next.dueMillis;
            }
            next.run();
        }
    }

    /** Tasks scheduled and neither run nor cancelled. */
    synchronized int pending() {
        return (int) queue.stream().filter(t -> !t.isCancelled()).count();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return schedule(Executors.callable(command), delay, unit);
    }

    @Override
    public synchronized <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        Task<V> task = new Task<>(callable, nowMillis + unit.toMillis(delay));
        queue.add(task);
        return task;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("one-shot tasks only");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("one-shot tasks only");
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void shutdown() {
        shutDown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutDown = true;
        List<Runnable> left = new ArrayList<>(queue);
        queue.clear();
        return left;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutDown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutDown && queue.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        final long dueMillis;

        Task(Callable<V> callable, long dueMillis) {
            super(callable);
            this.dueMillis = dueMillis;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            synchronized (ManualScheduler.this) {
                return unit.convert(dueMillis - nowMillis, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.MILLISECONDS), other.getDelay(TimeUnit.MILLISECONDS));
        }
    }
}
