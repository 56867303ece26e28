package io.reachproof.policy;

/** The two directions a NetworkPolicy governs. */
public enum Direction {
    INGRESS("Ingress", "ingress"),
    EGRESS("Egress", "egress");

    private final String policyType;
    private final String field;

    Direction(String policyType, String field) {
        this.policyType = policyType;
        this.field = field;
    }

    /** How {@code spec.policyTypes} spells it: {@code Ingress}, {@code Egress}. */
    public String policyType() {
        return policyType;
    }

    /** The spec field holding the rules, also the lower-case word: {@code ingress}, {@code egress}. */
    public String field() {
        return field;
    }
}
