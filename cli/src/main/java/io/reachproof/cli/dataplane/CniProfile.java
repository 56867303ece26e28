package io.reachproof.cli.dataplane;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a lab cluster's enforcer reads NetworkPolicies: the full specification, or one behaviour real CNIs are
 * documented to have (the README cites the upstream page of each). {@link NftRuleset} renders the rules of a profile;
 * {@link EnforcementLag} holds back the rules of new pods and changed policies where the profile lags.
 */
public enum CniProfile {
    /** The full v1 specification; a deny is a silent drop. */
    REFERENCE("the full NetworkPolicy v1 specification; a deny is a silent drop"),
    /** Policies are accepted and nothing is enforced (a CNI without NetworkPolicy support). */
    NO_ENFORCEMENT("policies are accepted and nothing is enforced (a CNI without NetworkPolicy support)"),
    /** New pods and changed policies are open for a while before their rules land. */
    ENFORCEMENT_LAG("new pods and changed policies are open for a while before their rules land (standard enforcing mode)"),
    /** An ipBlock never matches a peer that is a pod of the cluster. */
    IPBLOCK_IGNORES_PODS("ipBlock rules never match traffic whose peer is a pod of the cluster (CIDR rules vs. pod identities)"),
    /** {@code endPort} is ignored: a port range allows its first port only. */
    NO_ENDPORT("endPort is ignored: a port range allows its first port only"),
    /** A denied TCP connection is answered with a reset, other denied traffic with ICMP admin-prohibited. */
    REJECT("denied TCP is answered with a reset, other denied traffic with ICMP admin-prohibited, instead of a drop");

    private final String description;

    CniProfile(String description) {
        this.description = description;
    }

    /** How files and flags spell it: {@code enforcement-lag}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String description() {
        return description;
    }

    /** The profile spelled {@code id}, if any. */
    public static Optional<CniProfile> byId(String id) {
        return Arrays.stream(values()).filter(p -> p.id().equals(id)).findFirst();
    }

    /** Every profile's spelling, for error messages: {@code reference, no-enforcement, ...}. */
    public static String ids() {
        return Arrays.stream(values()).map(CniProfile::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id();
    }
}
