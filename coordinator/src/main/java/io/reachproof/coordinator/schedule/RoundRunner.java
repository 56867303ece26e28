package io.reachproof.coordinator.schedule;

/** Runs one round of an expectation set and waits for it to close: what a scheduled job does (the round service). */
@FunctionalInterface
public interface RoundRunner {

    /** Runs a round of {@code expectation}; returns when it closed. */
    Object runAndWait(String expectation) throws InterruptedException;
}
