package io.reachproof.protocol;

/** Counts of cell verdicts for one (group or cluster) pair in a round. */
public record PairSummary(
        String from, String to, int allow, int deny, int inconclusive, int holes, int blocked) {

    public int mismatches() {
        return holes + blocked;
    }
}
