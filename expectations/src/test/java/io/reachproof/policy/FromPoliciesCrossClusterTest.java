package io.reachproof.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.expectations.ConnectivityExpectation;
import io.reachproof.expectations.Endpoint;
import io.reachproof.expectations.ExpectationReader;
import io.reachproof.expectations.PortSpec;
import io.reachproof.expectations.ReadResult;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Cells between agents of two clusters: each side's policies judge the other side's address. */
class FromPoliciesCrossClusterTest {

    private static final PortSpec TCP = PortSpec.of(7001, Protocol.TCP);
    private static final PortSpec UDP = PortSpec.of(7002, Protocol.UDP);

    /**
     * In both clusters: checkout takes 7001/TCP from frontend pods (a selector: never a pod of another cluster),
     * from 10.0.0.0/24 (cluster a's pods) and from 192.0.2.0/25; payments is not isolated.
     */
    private static final String SHARED = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: checkout-in, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: checkout}}
              ingress:
              - from: [{podSelector: {matchLabels: {app: frontend}}}, {ipBlock: {cidr: 10.0.0.0/24}}]
                ports: [{port: 7001}]
              - from: [{ipBlock: {cidr: 192.0.2.0/24, except: [192.0.2.128/25]}}]
                ports: [{port: 7001}]
            """;

    /** Only in cluster b: frontend may send only to 10.0.0.2 (checkout-a) and to its own namespace. */
    private static final String FRONTEND_OUT = """
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: frontend-out, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: frontend}}
              policyTypes: [Egress]
              egress:
              - to: [{podSelector: {}}, {ipBlock: {cidr: 10.0.0.2/32}}]
            """;

    private static final String GROUPS = """
            apiVersion: reachproof.io/v1alpha1
            kind: ConnectivityExpectation
            metadata: {name: derived}
            spec:
              groups:
                frontend: {namespace: shop, podSelector: {matchLabels: {app: frontend}}}
                checkout: {namespace: shop, podSelector: {matchLabels: {app: checkout}}}
                payments: {namespace: payments}
              fromPolicies: {}
            """;

    private static Endpoint agent(String id, String cluster, String app, String address) {
        String ns = app.equals("payments") ? "payments" : "shop";
        return Endpoint.pod(id, cluster, "aws", ns, Map.of("kubernetes.io/metadata.name", ns), id,
                Map.of("app", app), List.of(address)).withPorts(List.of(TCP, UDP));
    }

    private static final Endpoint FRONTEND_A = agent("frontend-a", "a", "frontend", "10.0.0.1");
    private static final Endpoint CHECKOUT_A = agent("checkout-a", "a", "checkout", "10.0.0.2");
    private static final Endpoint PAYMENTS_A = agent("payments-a", "a", "payments", "10.0.0.3");
    private static final Endpoint FRONTEND_B = agent("frontend-b", "b", "frontend", "10.1.0.1");
    private static final Endpoint CHECKOUT_B = agent("checkout-b", "b", "checkout", "10.1.0.2");
    private static final List<Endpoint> FLEET = List.of(FRONTEND_A, CHECKOUT_A, PAYMENTS_A, FRONTEND_B, CHECKOUT_B);

    private static ConnectivityExpectation expectation() {
        ReadResult read = new ExpectationReader().read("e.yaml", GROUPS);
        assertThat(read.problems()).isEmpty();
        return read.expectations().get(0);
    }

    private static PolicyInput read(String name, String yaml) {
        PolicyInputReader.Result read = PolicyInputReader.readString(name, yaml);
        assertThat(read.errors()).isEmpty();
        return read.input();
    }

    private static ClusterPolicies policies() {
        return ClusterPolicies.of(Map.of("a", read("a.yaml", SHARED), "b", read("b.yaml", SHARED + FRONTEND_OUT)),
                Optional.empty());
    }

    private static FromPoliciesResolver resolver(Map<String, EgressAddresses> egress) {
        return FromPoliciesResolver.compile(expectation(), policies(), egress, FLEET);
    }

    private static EgressAddresses snat(String... cidrs) {
        return new EgressAddresses(List.of(cidrs).stream().map(c -> Cidr.parse(c).orElseThrow()).toList());
    }

    private static String decidedBy(FromPoliciesResolver r, Endpoint from, Endpoint to, PortSpec port) {
        return r.explain(from, to, port).orElseThrow().decidedBy();
    }

    @Test
    void onAFlatNetworkTheDestinationsIngressJudgesTheSourcePodIp() {
        FromPoliciesResolver r = resolver(Map.of());

        assertThat(r.decide(FRONTEND_A, CHECKOUT_B, TCP)).contains(Verdict.ALLOW);
        assertThat(decidedBy(r, FRONTEND_A, CHECKOUT_B, TCP))
                .isEqualTo("ingress of cluster b: NetworkPolicy shop/checkout-in (b.yaml:7)");
        assertThat(r.decide(FRONTEND_A, CHECKOUT_B, UDP)).contains(Verdict.DENY);
        // frontend-b is a frontend pod, but not of cluster a: the podSelector peer does not match 10.1.0.1
        assertThat(r.decide(FRONTEND_B, CHECKOUT_A, TCP)).contains(Verdict.DENY);
        assertThat(decidedBy(r, FRONTEND_B, CHECKOUT_A, TCP))
                .isEqualTo("ingress of cluster a: NetworkPolicy shop/checkout-in (a.yaml:1)");
        assertThat(r.explain(FRONTEND_B, CHECKOUT_A, TCP).orElseThrow().explanation().lines()).containsExactly(
                "b/shop/frontend-b -> a/shop/checkout-a 7001/TCP: deny",
                "  egress from b/shop/frontend-b: allowed by spec.egress[0] of NetworkPolicy shop/frontend-out (b.yaml:19)"
                        + " (isolated for egress by shop/frontend-out) for a/shop/checkout-a at 10.0.0.2 (a pod of another"
                        + " cluster: only ipBlock peers match it)",
                "  ingress to a/shop/checkout-a: denied: isolated for ingress by shop/checkout-in and no rule allows"
                        + " b/shop/frontend-b arriving from 10.1.0.1 (a pod of another cluster: only ipBlock peers match it)"
                        + " on 7001/TCP");
    }

    @Test
    void theSourcesEgressJudgesTheDestinationAddressAndNamesItsCluster() {
        FromPoliciesResolver r = resolver(Map.of());

        // frontend-b may send to 10.0.0.2 only: payments-a (not isolated) is denied by b's egress
        assertThat(r.decide(FRONTEND_B, PAYMENTS_A, TCP)).contains(Verdict.DENY);
        assertThat(decidedBy(r, FRONTEND_B, PAYMENTS_A, TCP))
                .isEqualTo("egress of cluster b: NetworkPolicy shop/frontend-out (b.yaml:12)");
        assertThat(r.decide(FRONTEND_B, CHECKOUT_A, UDP)).contains(Verdict.DENY);
        assertThat(decidedBy(r, FRONTEND_B, CHECKOUT_A, UDP))
                .isEqualTo("ingress of cluster a: NetworkPolicy shop/checkout-in (a.yaml:1)");
    }

    @Test
    void podsNoPolicySelectsAreOpenInBothDirections() {
        FromPoliciesResolver r = resolver(Map.of());

        assertThat(r.decide(CHECKOUT_B, PAYMENTS_A, TCP)).contains(Verdict.ALLOW);
        assertThat(r.decide(CHECKOUT_B, PAYMENTS_A, UDP)).contains(Verdict.ALLOW);
        assertThat(decidedBy(r, CHECKOUT_B, PAYMENTS_A, TCP)).isEqualTo("no NetworkPolicy isolates either side");
        assertThat(r.decide(CHECKOUT_A, FRONTEND_B, TCP)).contains(Verdict.ALLOW);
    }

    @Test
    void aSnatAddressReplacesThePodIpOnTheDestinationsIngress() {
        assertThat(resolver(Map.of("a", snat("10.0.0.200/32"))).decide(FRONTEND_A, CHECKOUT_B, TCP)).contains(Verdict.ALLOW);
        FromPoliciesResolver outside = resolver(Map.of("a", snat("198.51.100.7/32")));
        assertThat(outside.decide(FRONTEND_A, CHECKOUT_B, TCP)).contains(Verdict.DENY);
        assertThat(outside.explain(FRONTEND_A, CHECKOUT_B, TCP).orElseThrow().explanation().reason())
                .contains("arriving from 198.51.100.7 (SNAT of cluster a)");
        // b is translated, a is not: a's ingress sees 10.0.0.9, inside its own allowed block
        assertThat(resolver(Map.of("b", snat("10.0.0.9/32"))).decide(FRONTEND_B, CHECKOUT_A, TCP)).contains(Verdict.ALLOW);
        // the destination's address is never translated: b's SNAT does not change what a's egress judges
        assertThat(resolver(Map.of("a", snat("10.0.0.9/32"))).decide(FRONTEND_B, PAYMENTS_A, TCP)).contains(Verdict.DENY);
    }

    @Test
    void severalSnatAddressesAllowOnlyWhenTheIngressAllowsEveryOne() {
        assertThat(resolver(Map.of("a", snat("10.0.0.200/32", "198.51.100.7/32"))).decide(FRONTEND_A, CHECKOUT_B, TCP))
                .contains(Verdict.DENY);
        // each address allowed by a different rule
        FromPoliciesResolver both = resolver(Map.of("a", snat("10.0.0.128/25", "192.0.2.0/25")));
        assertThat(both.decide(FRONTEND_A, CHECKOUT_B, TCP)).contains(Verdict.ALLOW);
        assertThat(both.explain(FRONTEND_A, CHECKOUT_B, TCP).orElseThrow().explanation().ingress().allowingRules())
                .extracting(Explanation.RuleRef::index).containsExactly(0, 1);
        // a pool half inside the except of the second rule
        assertThat(resolver(Map.of("a", snat("192.0.2.0/24"))).decide(FRONTEND_A, CHECKOUT_B, TCP)).contains(Verdict.DENY);
        // a pool that two blocks cover together: 10.0.0.0/23 = 10.0.0.0/24 (rule 0) + nothing for 10.0.1.0/24
        assertThat(resolver(Map.of("a", snat("10.0.0.0/23"))).decide(FRONTEND_A, CHECKOUT_B, TCP)).contains(Verdict.DENY);
        assertThat(resolver(Map.of("a", snat("10.0.0.0/25", "10.0.0.128/26"))).decide(FRONTEND_A, CHECKOUT_B, TCP))
                .contains(Verdict.ALLOW);
    }

    @Test
    void theRememberedVerdictIsTheExplainedOneOnEveryPairOfRandomClusters() {
        for (long seed = 1; seed <= 40; seed++) {
            EgressAddresses egress = seed % 2 == 0 ? EgressAddresses.POD_IP : snat("10.0.0.0/30", "192.168.0.0/16");
            MultiClusterTable table = new MultiClusterTable(List.of(
                    new MultiClusterTable.Member("a", RandomNetwork.small(seed).table(), egress),
                    new MultiClusterTable.Member("b", RandomNetwork.small(seed + 1000).table(), EgressAddresses.POD_IP)));
            for (int f = 0; f < table.pods().size(); f++) {
                for (int t = 0; t < table.pods().size(); t++) {
                    List<PodPort> ports = table.ports(t);
                    for (int k = 0; k < ports.size(); k++) {
                        if (f != t) {
                            assertThat(table.verdict(f, t, k)).as("seed %d: %s -> %s %s", seed, table.pods().get(f),
                                    table.pods().get(t), ports.get(k).label())
                                    .isEqualTo(table.explain(f, t, ports.get(k).port(), ports.get(k).protocol()).verdict());
                        }
                    }
                }
            }
        }
        FromPoliciesResolver r = resolver(Map.of("a", snat("10.0.0.128/25", "192.0.2.0/25")));
        for (Endpoint from : FLEET) {
            for (Endpoint to : FLEET) {
                for (PortSpec p : List.of(TCP, UDP)) {
                    assertThat(r.decide(from, to, p)).isEqualTo(r.explain(from, to, p).map(d -> d.verdict()));
                }
            }
        }
    }

    @Test
    void aClusterWithoutKnownPoliciesGetsNoCellsWithAnyOtherCluster() {
        FromPoliciesResolver r = FromPoliciesResolver.compile(expectation(),
                ClusterPolicies.of(Map.of("b", read("b.yaml", SHARED)), Optional.empty()), Map.of(), FLEET);

        assertThat(r.decide(FRONTEND_A, CHECKOUT_B, TCP)).isEmpty();
        assertThat(r.decide(CHECKOUT_B, PAYMENTS_A, TCP)).isEmpty();
        assertThat(r.explain(FRONTEND_B, CHECKOUT_A, TCP)).isEmpty();
        assertThat(r.decide(FRONTEND_B, CHECKOUT_B, TCP)).contains(Verdict.ALLOW);
    }

    @Test
    void aPortTheDestinationDoesNotAnswerOnAndSelfPairsGetNoCell() {
        FromPoliciesResolver r = resolver(Map.of());

        assertThat(r.decide(FRONTEND_A, CHECKOUT_B, PortSpec.of(8080, Protocol.TCP))).isEmpty();
        assertThat(r.decide(FRONTEND_A, FRONTEND_A, TCP)).isEmpty();
    }
}
