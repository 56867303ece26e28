package io.reachproof.coordinator.schedule;

import static java.util.Objects.requireNonNull;

import java.util.function.Supplier;

/**
 * Runs the round schedule only while this coordinator leads and rounds are wanted: leading and wanted
 * starts (or resumes) it, anything else holds it in standby. The schedule is created on first need.
 */
public final class LeaderSchedule implements AutoCloseable {

    private final Supplier<RoundSchedule> factory;
    private RoundSchedule schedule;
    private boolean leading;
    private boolean wanted;
    private boolean running;
    private boolean closed;

    public LeaderSchedule(Supplier<RoundSchedule> factory, boolean leading) {
        this.factory = requireNonNull(factory, "factory");
        this.leading = leading;
    }

    /** Rounds should run (when leading). */
    public synchronized void want() {
        wanted = true;
        apply();
    }

    public synchronized void leading(boolean value) {
        leading = value;
        apply();
    }

    public synchronized boolean leading() {
        return leading;
    }

    /** Whether the schedule fires rounds now. */
    public synchronized boolean running() {
        return running;
    }

    private void apply() {
        if (closed) {
            return;
        }
        boolean run = leading && wanted;
        if (run == running) {
            return;
        }
        if (run) {
            if (schedule == null) {
                schedule = factory.get();
            }
            schedule.start();
        } else {
            schedule.standby();
        }
        running = run;
    }

    @Override
    public synchronized void close() {
        closed = true;
        running = false;
        if (schedule != null) {
            schedule.close();
        }
    }
}
