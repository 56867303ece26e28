package io.reachproof.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.reachproof.expectations.ClusterScope;
import io.reachproof.expectations.ConnectivityExpectation;
import io.reachproof.expectations.Endpoint;
import io.reachproof.expectations.ExpectationReader;
import io.reachproof.expectations.EndpointCells;
import io.reachproof.expectations.ExpectationResolver;
import io.reachproof.expectations.HttpCheck;
import io.reachproof.expectations.PortSpec;
import io.reachproof.protocol.Protocol;
import io.reachproof.expectations.ReadResult;
import io.reachproof.yaml.SourceRef;
import io.reachproof.protocol.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FromPoliciesResolverTest {

    private static final HttpCheck IDENTITY = new HttpCheck("/reachproof/identity", "GET", 200, 200);
    private static final List<PortSpec> RESPONDERS = List.of(PortSpec.of(7001, Protocol.TCP), PortSpec.of(7002, Protocol.UDP),
            new PortSpec(7003, Protocol.HTTP, IDENTITY));

    /** checkout takes frontend on 7001/TCP and 7003/TCP; payments only checkout on 7001/TCP. */
    private static final String POLICIES = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: checkout-in, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: checkout}}
              ingress:
              - from: [{podSelector: {matchLabels: {app: frontend}}}]
                ports: [{port: 7001}, {port: 7003}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: payments-in, namespace: payments}
            spec:
              podSelector: {}
              ingress:
              - from: [{namespaceSelector: {matchLabels: {team: shop}}, podSelector: {matchLabels: {app: checkout}}}]
                ports: [{port: 7001, protocol: TCP}]
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
            """;

    private static Endpoint agent(String id, String cluster, String app, String address) {
        String ns = app.equals("payments") ? "payments" : "shop";
        return Endpoint.pod(id, cluster, "aws", ns, Map.of("kubernetes.io/metadata.name", ns, "team", ns), id,
                Map.of("app", app), List.of(address)).withPorts(RESPONDERS);
    }

    private static final Endpoint FRONTEND_A = agent("frontend-a", "a", "frontend", "10.0.0.1");
    private static final Endpoint CHECKOUT_A = agent("checkout-a", "a", "checkout", "10.0.0.2");
    private static final Endpoint PAYMENTS_A = agent("payments-a", "a", "payments", "10.0.0.3");
    private static final Endpoint FRONTEND_B = agent("frontend-b", "b", "frontend", "10.1.0.1");
    private static final Endpoint CHECKOUT_B = agent("checkout-b", "b", "checkout", "10.1.0.2");
    private static final List<Endpoint> FLEET = List.of(FRONTEND_A, CHECKOUT_A, PAYMENTS_A, FRONTEND_B, CHECKOUT_B);

    private static ConnectivityExpectation expectation(String spec) {
        ReadResult read = new ExpectationReader().read("e.yaml", GROUPS + spec);
        assertThat(read.problems()).isEmpty();
        return read.expectations().get(0);
    }

    private static PolicyInput policies() {
        PolicyInputReader.Result read = PolicyInputReader.readString("p.yaml", POLICIES);
        assertThat(read.errors()).isEmpty();
        return read.input();
    }

    private static FromPoliciesResolver resolver(String spec) {
        return FromPoliciesResolver.compile(expectation(spec), policies(), FLEET);
    }

    /** A derived cell at endpoint level and the policy that decided it. */
    private record Derived(EndpointCells.Cell cell, FromPoliciesResolver.PolicyDecision decision) {
    }

    /** The members of the groups of {@link #GROUPS} in {@link #FLEET}. */
    private static Map<String, List<Endpoint>> members() {
        return ExpectationResolver.membership(expectation("  fromPolicies: {}\n"), FLEET);
    }

    /** Every derived cell at endpoint level: each group cell of {@code r} between the members of its groups. */
    private static List<Derived> derived(FromPoliciesResolver r, Map<String, List<Endpoint>> members) {
        List<Derived> cells = new ArrayList<>();
        for (FromPoliciesResolver.DerivedGroupCell g : r.groupCells()) {
            for (Endpoint from : members.get(g.from())) {
                for (Endpoint to : members.get(g.to())) {
                    r.explain(from, to, g.port()).ifPresent(d -> cells.add(new Derived(
                            new EndpointCells.Cell(g.from(), from, g.to(), to, g.port(), d.verdict(), g.rule()), d)));
                }
            }
        }
        return cells;
    }

    /** The derived cells inside one cluster (cross-cluster cells: {@link FromPoliciesCrossClusterTest}). */
    private static List<String> cells(FromPoliciesResolver r) {
        List<String> out = new ArrayList<>();
        for (Derived c : derived(r, members())) {
            EndpointCells.Cell e = c.cell();
            if (!e.from().cluster().equals(e.to().cluster())) {
                continue;
            }
            out.add(e.from().id() + " -> " + e.to().id() + " " + e.port() + " " + e.verdict().spelling());
        }
        return out;
    }

    @Test
    void derivesEveryPairInsideEachClusterOnEveryDestinationPortAsTheEngineDecides() {
        FromPoliciesResolver r = resolver("  fromPolicies: {}\n");

        assertThat(cells(r)).containsExactlyInAnyOrder(
                "frontend-a -> checkout-a 7001/TCP allow", "frontend-a -> checkout-a 7002/UDP deny",
                "frontend-a -> checkout-a 7003/HTTP allow",
                "frontend-a -> payments-a 7001/TCP deny", "frontend-a -> payments-a 7002/UDP deny",
                "frontend-a -> payments-a 7003/HTTP deny",
                "checkout-a -> frontend-a 7001/TCP allow", "checkout-a -> frontend-a 7002/UDP allow",
                "checkout-a -> frontend-a 7003/HTTP allow",
                "checkout-a -> payments-a 7001/TCP allow", "checkout-a -> payments-a 7002/UDP deny",
                "checkout-a -> payments-a 7003/HTTP deny",
                "payments-a -> frontend-a 7001/TCP allow", "payments-a -> frontend-a 7002/UDP allow",
                "payments-a -> frontend-a 7003/HTTP allow",
                "payments-a -> checkout-a 7001/TCP deny", "payments-a -> checkout-a 7002/UDP deny",
                "payments-a -> checkout-a 7003/HTTP deny",
                "frontend-b -> checkout-b 7001/TCP allow", "frontend-b -> checkout-b 7002/UDP deny",
                "frontend-b -> checkout-b 7003/HTTP allow",
                "checkout-b -> frontend-b 7001/TCP allow", "checkout-b -> frontend-b 7002/UDP allow",
                "checkout-b -> frontend-b 7003/HTTP allow");
    }

    /** A deny-all of namespace shop as a cluster's API server lists it: no file, located at {@code cluster NAME}. */
    private static PolicyInput listedFrom(String cluster) {
        NetworkPolicy denyAll = new NetworkPolicyBuilder()
                .withNewMetadata().withNamespace("shop").withName("deny-all").endMetadata()
                .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress").endSpec()
                .build();
        return PolicyInput.inCode(List.of(denyAll), List.of(), List.of(), "cluster " + cluster);
    }

    @Test
    void eachClusterIsCompiledWithItsOwnPoliciesAndTheOthersWithTheDefault() {
        FromPoliciesResolver r = FromPoliciesResolver.compile(expectation("  fromPolicies: {groups: [frontend, checkout]}\n"),
                ClusterPolicies.of(Map.of("b", listedFrom("b")), Optional.of(policies())), FLEET);

        assertThat(cells(r)).containsExactlyInAnyOrder(
                "frontend-a -> checkout-a 7001/TCP allow", "frontend-a -> checkout-a 7002/UDP deny",
                "frontend-a -> checkout-a 7003/HTTP allow",
                "checkout-a -> frontend-a 7001/TCP allow", "checkout-a -> frontend-a 7002/UDP allow",
                "checkout-a -> frontend-a 7003/HTTP allow",
                "frontend-b -> checkout-b 7001/TCP deny", "frontend-b -> checkout-b 7002/UDP deny",
                "frontend-b -> checkout-b 7003/HTTP deny",
                "checkout-b -> frontend-b 7001/TCP deny", "checkout-b -> frontend-b 7002/UDP deny",
                "checkout-b -> frontend-b 7003/HTTP deny");
        assertThat(r.explain(FRONTEND_B, CHECKOUT_B, PortSpec.of(7001, Protocol.TCP)).orElseThrow().decidedBy())
                .isEqualTo("NetworkPolicy shop/deny-all (cluster b)");
        assertThat(r.explain(FRONTEND_A, CHECKOUT_A, PortSpec.of(7002, Protocol.UDP)).orElseThrow().decidedBy())
                .isEqualTo("NetworkPolicy shop/checkout-in (p.yaml:1)");
    }

    @Test
    void aClusterWithoutKnownPoliciesGetsNoDerivedCells() {
        FromPoliciesResolver r = FromPoliciesResolver.compile(expectation("  fromPolicies: {groups: [frontend, checkout]}\n"),
                ClusterPolicies.of(Map.of("b", listedFrom("b")), Optional.empty()), FLEET);

        assertThat(cells(r)).containsExactlyInAnyOrder(
                "frontend-b -> checkout-b 7001/TCP deny", "frontend-b -> checkout-b 7002/UDP deny",
                "frontend-b -> checkout-b 7003/HTTP deny",
                "checkout-b -> frontend-b 7001/TCP deny", "checkout-b -> frontend-b 7002/UDP deny",
                "checkout-b -> frontend-b 7003/HTTP deny");
        assertThat(r.decide(FRONTEND_A, CHECKOUT_A, PortSpec.of(7001, Protocol.TCP))).isEmpty();
        assertThat(r.explain(FRONTEND_A, CHECKOUT_A, PortSpec.of(7001, Protocol.TCP))).isEmpty();
    }

    @Test
    void anAllowByAPolicyListedFromAClusterNamesTheClusterInItsExplanation() {
        NetworkPolicy allowFrontend = new NetworkPolicyBuilder()
                .withNewMetadata().withNamespace("shop").withName("checkout-from-frontend").endMetadata()
                .withNewSpec().withNewPodSelector().addToMatchLabels("app", "checkout").endPodSelector()
                .addNewIngress().addNewFrom().withNewPodSelector().addToMatchLabels("app", "frontend").endPodSelector()
                .endFrom().endIngress().endSpec()
                .build();
        FromPoliciesResolver r = FromPoliciesResolver.compile(expectation("  fromPolicies: {groups: [frontend, checkout]}\n"),
                ClusterPolicies.of(Map.of("a", PolicyInput.inCode(List.of(allowFrontend), List.of(), List.of(), "cluster a")),
                        Optional.empty()), FLEET);

        FromPoliciesResolver.PolicyDecision allowed = r.explain(FRONTEND_A, CHECKOUT_A, PortSpec.of(7001, Protocol.TCP))
                .orElseThrow();
        assertThat(allowed.decidedBy()).isEqualTo("NetworkPolicy shop/checkout-from-frontend (cluster a)");
        assertThat(allowed.explanation().lines()).containsExactly(
                "shop/frontend-a -> shop/checkout-a 7001/TCP: allow",
                "  egress from shop/frontend-a: allowed: not isolated (no NetworkPolicy selects shop/frontend-a for egress)",
                "  ingress to shop/checkout-a: allowed by spec.ingress[0] of NetworkPolicy shop/checkout-from-frontend"
                        + " (cluster a) (isolated for ingress by shop/checkout-from-frontend)");
    }

    @Test
    void oneListedPolicyIsValidatedWithoutPositionOrName() {
        NetworkPolicy bad = new NetworkPolicyBuilder()
                .withNewMetadata().withNamespace("payments").withName("bad").endMetadata()
                .withNewSpec().withNewPodSelector().endPodSelector()
                .addNewIngress().addNewPort().withPort(new IntOrString(80)).withEndPort(70).endPort()
                .addNewFrom().withNewIpBlock().withCidr("10.0.0.0/33").endIpBlock().endFrom().endIngress()
                .endSpec()
                .build();

        assertThat(FromPoliciesResolver.validate(bad)).containsExactly(
                "spec.ingress[0].from[0].ipBlock.cidr: invalid CIDR \"10.0.0.0/33\"",
                "spec.ingress[0].ports[0].endPort: endPort 70 is below port 80");
        assertThat(FromPoliciesResolver.validate(listedFrom("b").policies().get(0).object())).isEmpty();
    }

    @Test
    void crossClusterPairsAreJudgedByAddressAndSelfPairsGetNoDerivedCell() {
        FromPoliciesResolver r = resolver("  fromPolicies: {}\n");

        // checkout-in allows frontend pods by selector only: a frontend of another cluster is an address
        assertThat(r.decide(FRONTEND_A, CHECKOUT_B, PortSpec.of(7001, Protocol.TCP))).contains(Verdict.DENY);
        assertThat(r.decide(CHECKOUT_B, PAYMENTS_A, PortSpec.of(7001, Protocol.TCP))).contains(Verdict.DENY);
        assertThat(r.decide(CHECKOUT_B, FRONTEND_A, PortSpec.of(7001, Protocol.TCP))).contains(Verdict.ALLOW);
        assertThat(r.decide(FRONTEND_A, FRONTEND_A, PortSpec.of(7001, Protocol.TCP))).isEmpty();
        assertThat(derived(r, members())).allSatisfy(c -> assertThat(c.cell().from().id()).isNotEqualTo(c.cell().to().id()));
        assertThat(r.decide(FRONTEND_A, CHECKOUT_A, PortSpec.of(7001, Protocol.TCP))).contains(Verdict.ALLOW);
    }

    @Test
    void aPortTheDestinationDoesNotAnswerOnGetsNoCell() {
        FromPoliciesResolver r = resolver("  fromPolicies: {}\n");

        assertThat(r.decide(FRONTEND_A, CHECKOUT_A, PortSpec.of(7003, Protocol.TCP))).isEmpty();
        assertThat(r.decide(FRONTEND_A, CHECKOUT_A, PortSpec.of(8080, Protocol.TCP))).isEmpty();
    }

    @Test
    void portsOfFromPoliciesRestrictTheCellsAndAnHttpPortProbesWithItsOwnCheck() {
        FromPoliciesResolver r = resolver("""
                  fromPolicies:
                    groups: [frontend, checkout]
                    ports: [{port: 7003, protocol: HTTP, path: /healthz}, "9999/TCP"]
                """);

        assertThat(cells(r)).containsExactlyInAnyOrder(
                "frontend-a -> checkout-a 7003/HTTP allow", "checkout-a -> frontend-a 7003/HTTP allow",
                "frontend-b -> checkout-b 7003/HTTP allow", "checkout-b -> frontend-b 7003/HTTP allow");
        assertThat(r.groupCells()).extracting(g -> g.port().http().path()).containsOnly("/healthz");
    }

    @Test
    void anExpectRuleOverridesTheDerivedCellsItNamesOnEveryClusterPair() {
        ConnectivityExpectation e = expectation("""
                  expect:
                    - {from: frontend, to: payments, ports: ["7001/TCP"], verdict: allow}
                  fromPolicies: {}
                """);
        FromPoliciesResolver r = FromPoliciesResolver.compile(e, policies(), FLEET);

        assertThat(cells(r)).doesNotContain("frontend-a -> payments-a 7001/TCP deny")
                .contains("frontend-a -> payments-a 7002/UDP deny");
        assertThat(r.groupCells()).extracting(g -> g.from() + "->" + g.to() + " " + g.port())
                .doesNotContain("frontend->payments 7001/TCP");
        List<EndpointCells.Cell> expected = new ArrayList<>(EndpointCells.of(e, FLEET));
        derived(r, members()).forEach(c -> expected.add(c.cell()));
        assertThat(expected)
                .filteredOn(c -> c.fromGroup().equals("frontend") && c.toGroup().equals("payments")
                        && c.port().equals(PortSpec.of(7001, Protocol.TCP)))
                .extracting(c -> c.from().id(), c -> c.to().id(), EndpointCells.Cell::verdict, c -> c.rule().fileLine())
                .containsExactlyInAnyOrder(tuple("frontend-a", "payments-a", Verdict.ALLOW, "e.yaml:10"),
                        tuple("frontend-b", "payments-a", Verdict.ALLOW, "e.yaml:10"));
    }

    @Test
    void anExpectRuleForOneKindOfClusterPairLeavesTheOtherKindToThePolicies() {
        FromPoliciesResolver same = FromPoliciesResolver.compile(expectation("""
                  expect:
                    - {from: frontend, to: payments, ports: ["7001/TCP"], verdict: allow, clusters: same}
                    - {from: checkout, to: payments, ports: ["7001/TCP"], verdict: deny, clusters: other}
                    - {from: checkout, to: frontend, ports: ["7001/TCP"], verdict: allow, clusters: same}
                    - {from: checkout, to: frontend, ports: ["7001/TCP"], verdict: allow, clusters: other}
                  fromPolicies: {}
                """), policies(), FLEET);

        assertThat(same.groupCells()).filteredOn(g -> g.port().equals(PortSpec.of(7001, Protocol.TCP)))
                .extracting(g -> g.from() + "->" + g.to() + " " + g.clusters())
                .contains("frontend->payments OTHER", "checkout->payments SAME", "frontend->checkout ANY")
                .doesNotContain("checkout->frontend ANY", "checkout->frontend SAME", "checkout->frontend OTHER");
        assertThat(same.groupCells()).filteredOn(g -> g.from().equals("frontend") && g.to().equals("payments"))
                .allSatisfy(g -> assertThat(g.withVerdict(Verdict.DENY).clusters()).isEqualTo(
                        g.port().equals(PortSpec.of(7001, Protocol.TCP)) ? ClusterScope.OTHER : ClusterScope.ANY));
    }

    @Test
    void everyDerivedCellNamesTheFromPoliciesLineAndTheDecidingPolicy() {
        FromPoliciesResolver r = resolver("  fromPolicies: {groups: [frontend, payments]}\n");

        assertThat(derived(r, members())).extracting(c -> c.cell().rule()).containsOnly(new SourceRef("e.yaml", 9, 3));
        FromPoliciesResolver.PolicyDecision denied = r.explain(FRONTEND_A, PAYMENTS_A, PortSpec.of(7001, Protocol.TCP)).orElseThrow();
        assertThat(denied.verdict()).isEqualTo(Verdict.DENY);
        assertThat(denied.decidedBy()).isEqualTo("NetworkPolicy payments/payments-in (p.yaml:10)");
        assertThat(denied.explanation().lines()).containsExactly(
                "shop/frontend-a -> payments/payments-a 7001/TCP: deny",
                "  egress from shop/frontend-a: allowed: not isolated (no NetworkPolicy selects shop/frontend-a for egress)",
                "  ingress to payments/payments-a: denied: isolated for ingress by payments/payments-in and no rule allows"
                        + " shop/frontend-a on 7001/TCP");
        assertThat(r.explain(PAYMENTS_A, FRONTEND_A, PortSpec.of(7001, Protocol.TCP)).orElseThrow().decidedBy())
                .isEqualTo("no NetworkPolicy isolates either side");
        FromPoliciesResolver all = resolver("  fromPolicies: {}\n");
        assertThat(all.explain(CHECKOUT_A, PAYMENTS_A, PortSpec.of(7001, Protocol.TCP)).orElseThrow().decidedBy())
                .isEqualTo("NetworkPolicy payments/payments-in (p.yaml:16)");
    }

    @Test
    void theLabPoliciesDenyEightCellsPerClusterOfTheLabFleet() {
        ReadResult read = new ExpectationReader().read(Path.of("examples/lab-policies.yaml"));
        PolicyInputReader.Result policies = PolicyInputReader.read(List.of(Path.of("examples/policies/lab")), List.of());
        List<Endpoint> fleet = new ArrayList<>();
        List<String> clusters = List.of("aws-lab", "gcp-lab", "azure-lab");
        List<String> roles = List.of("frontend", "checkout", "payments");
        for (int i = 0; i < 9; i++) {
            fleet.add(agent(roles.get(i / 3) + "-" + i, clusters.get(i % 3), roles.get(i / 3), "127.0.1." + (i + 1)));
        }

        FromPoliciesResolver r = FromPoliciesResolver.compile(read.expectations().get(0), policies.input(), fleet);

        assertThat(policies.errors()).isEmpty();
        assertThat(FromPoliciesResolver.validate(policies.input())).isEmpty();
        List<Derived> all = derived(r, ExpectationResolver.membership(read.expectations().get(0), fleet));
        List<Derived> cells = all.stream().filter(c -> c.cell().from().cluster().equals(c.cell().to().cluster())).toList();
        assertThat(all).hasSize(216);
        assertThat(cells).hasSize(54);
        // across clusters the policies' selectors match nothing: checkout and payments take nothing from another
        // cluster (6 sources of other clusters x 3 ports x 3 agents each), the frontend (not isolated) takes everything
        assertThat(all).filteredOn(c -> !c.cell().from().cluster().equals(c.cell().to().cluster()))
                .extracting(c -> c.cell().toGroup() + " " + c.cell().verdict().spelling())
                .containsOnly("checkout deny", "payments deny", "frontend allow")
                .filteredOn(s -> s.endsWith("deny")).hasSize(108);
        assertThat(cells).filteredOn(c -> c.cell().verdict() == Verdict.DENY).hasSize(24)
                .extracting(c -> c.cell().fromGroup() + "->" + c.cell().toGroup() + " " + c.cell().port())
                .containsOnly("frontend->checkout 7002/UDP", "frontend->payments 7001/TCP", "frontend->payments 7002/UDP",
                        "frontend->payments 7003/HTTP", "checkout->payments 7003/HTTP", "payments->checkout 7001/TCP",
                        "payments->checkout 7002/UDP", "payments->checkout 7003/HTTP");
    }

    @Test
    void invalidPoliciesAreReportedByValidate() {
        PolicyInputReader.Result read = PolicyInputReader.readString("bad.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: bad, namespace: x}
                spec:
                  podSelector: {}
                  ingress:
                  - ports: [{port: 80, endPort: 70}]
                """);

        assertThat(FromPoliciesResolver.validate(read.input())).hasSize(1)
                .allSatisfy(e -> assertThat(e).startsWith("bad.yaml:7:"));
    }
}
