package io.reachproof.coordinator.schedule;

/** The schedule of rounds as leadership sees it: running, or held in standby. */
public interface RoundSchedule extends AutoCloseable {

    /** Fires rounds (the first call schedules every set; later calls resume after {@link #standby()}). */
    void start();

    /** Fires no more rounds until {@link #start()}; a round already running finishes. */
    void standby();

    @Override
    void close();
}
