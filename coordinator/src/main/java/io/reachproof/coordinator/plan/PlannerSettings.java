package io.reachproof.coordinator.plan;

/**
 * How much a round probes.
 *
 * @param pairsPerClusterPair agent pairs probed per cell and cluster pair each round (the rotation window)
 * @param probeBudgetPerAgent at most this many probes sent by one agent in one round
 * @param attempts tries per probe; a deny needs all of them to fail
 * @param timeoutMillis deadline of one attempt
 */
public record PlannerSettings(int pairsPerClusterPair, int probeBudgetPerAgent, int attempts, long timeoutMillis) {

    public PlannerSettings {
        if (pairsPerClusterPair < 1) {
            throw new IllegalArgumentException("pairsPerClusterPair must be at least 1: " + pairsPerClusterPair);
        }
        if (probeBudgetPerAgent < 1) {
            throw new IllegalArgumentException("probeBudgetPerAgent must be at least 1: " + probeBudgetPerAgent);
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
        }
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeoutMillis must be positive: " + timeoutMillis);
        }
    }

    public static PlannerSettings defaults() {
        return new PlannerSettings(1, 500, 2, 1000);
    }
}
