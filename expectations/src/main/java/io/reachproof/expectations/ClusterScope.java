package io.reachproof.expectations;

/**
 * Which cluster pairs a rule speaks for ({@code clusters:} of an {@code expect} entry): {@code any} (the default),
 * {@code same} (source and destination in one cluster) or {@code other} (in different clusters). NetworkPolicies
 * are per cluster and see another cluster's pods as addresses, so in-cluster and cross-cluster verdicts often
 * differ. A rule to an external group ignores it.
 */
public enum ClusterScope {
    ANY, SAME, OTHER;

    /** Whether a cell between {@code fromCluster} and {@code toCluster} is in this scope. */
    public boolean admits(String fromCluster, String toCluster) {
        return switch (this) {
            case ANY -> true;
            case SAME -> fromCluster.equals(toCluster);
            case OTHER -> !fromCluster.equals(toCluster);
        };
    }

    /** How the expectations language spells it. */
    public String spelling() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
