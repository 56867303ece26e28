package io.reachproof.cli.conformance;

import java.util.Locale;

/** One NetworkPolicy feature the conformance suite proves, each with a small policy set of its own. */
public enum Feature {
    INGRESS("ingress", "a pod selected for ingress takes only what a rule allows (port 80 from anyone)"),
    EGRESS("egress", "a pod selected for egress sends only what a rule allows (port 80 to anyone)"),
    NAMESPACE_SELECTOR("namespace selector", "ingress from the pods of namespaces with a label"),
    POD_SELECTOR("pod selector", "ingress from the pods a matchExpressions selector picks"),
    NAMED_PORTS("named ports", "a port named in the policy resolves on the destination pod"),
    END_PORT("endPort", "a port range (port 80, endPort 82) allows every port in it, and no other"),
    IPBLOCK_EXCEPT("ipBlock with except", "ingress from a CIDR of hosts outside the cluster, less its except"),
    IPBLOCK_PODS("ipBlock on pod IPs", "an ipBlock naming a pod's address allows that pod"),
    UDP("UDP", "a UDP port allowed, another denied"),
    SCTP("SCTP", "an SCTP port allowed, another denied"),
    DENY_DROPS("deny as drop", "denied traffic is dropped: silence to the sender, not a reset or an ICMP error"),
    ENFORCEMENT_DELAY("enforcement delay", "a changed policy and a new pod are enforced within "
            + ConformanceSuite.DELAY_LIMIT.toMillis() + " ms (measured)");

    private final String title;
    private final String proves;

    Feature(String title, String proves) {
        this.title = title;
        this.proves = proves;
    }

    /** How reports and JSON spell it: {@code end-port}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String title() {
        return title;
    }

    /** What passing it proves. */
    public String proves() {
        return proves;
    }
}
