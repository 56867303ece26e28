package io.reachproof.coordinator.api;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all request bodies of one server may hold together, across connections: a body is received
 * only while it fits, and gives its bytes back once its answer is written (or its connection closes).
 */
final class BodyBudget {

    private final long capacity;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    /** Takes {@code bytes} if they fit; false (and nothing taken) if not. */
    boolean tryTake(long bytes) {
        while (true) {
            long now = held.get();
            if (now + bytes > capacity) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void giveBack(long bytes) {
        held.addAndGet(-bytes);
    }

    long held() {
        return held.get();
    }

    long capacity() {
        return capacity;
    }
}
