package io.reachproof.coordinator.round;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.coordinator.plan.ProbePlanner;
import io.reachproof.coordinator.registry.AgentState;
import io.reachproof.coordinator.registry.RegisteredAgent;
import io.reachproof.expectations.Endpoint;
import io.reachproof.expectations.ExpectationResolver;
import io.reachproof.expectations.PortSpec;
import io.reachproof.policy.Cidr;
import io.reachproof.policy.EgressAddresses;
import io.reachproof.policy.FromPoliciesResolver;
import io.reachproof.policy.PolicyInput;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Verdict;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DerivedCellsTest {

    private static final Path EXAMPLES = Path.of("../expectations/examples");

    private static List<RegisteredAgent> agents(List<AgentIdentity> ids, AgentState state) {
        return new ArrayList<>(ids.stream().map(a -> new RegisteredAgent(a, state, Instant.EPOCH, Instant.EPOCH, 0, 0)).toList());
    }

    /** A derived cell at endpoint level: the verdict the policies imply and the policy that decided it. */
    private record Derived(Endpoint from, Endpoint to, FromPoliciesResolver.PolicyDecision decision) {
    }

    /** Every derived cell of {@code r}: each of its group cells between the members of its groups among {@code agents}. */
    private static List<Derived> cells(FromPoliciesResolver r, LoadedExpectation set, List<RegisteredAgent> agents) {
        Map<String, List<Endpoint>> members = ExpectationResolver.membership(set.expectation(),
                agents.stream().map(a -> ProbePlanner.endpoint(a.identity())).toList());
        List<Derived> cells = new ArrayList<>();
        for (FromPoliciesResolver.DerivedGroupCell g : r.groupCells()) {
            for (Endpoint from : members.get(g.from())) {
                for (Endpoint to : members.get(g.to())) {
                    r.explain(from, to, g.port()).ifPresent(d -> cells.add(new Derived(from, to, d)));
                }
            }
        }
        return cells;
    }

    @Test
    void thePoliciesAreCompiledAgainOnlyWhenThePlannedAgentsChange() throws Exception {
        LoadedExpectation set = ExpectationFiles.load(List.of(EXAMPLES.resolve("lab-policies.yaml"))).get(0)
                .withPolicies(PolicyInputReader.read(List.of(EXAMPLES.resolve("policies/lab")), List.of()).input());
        DerivedCells derived = new DerivedCells(set);
        List<RegisteredAgent> nine = agents(LabFleet.agents(9), AgentState.LIVE);

        FromPoliciesResolver first = derived.forAgents(nine).orElseThrow();
        List<RegisteredAgent> someLost = agents(LabFleet.agents(9), AgentState.LOST);
        List<RegisteredAgent> oneGone = agents(LabFleet.agents(9), AgentState.LIVE);
        oneGone.set(8, new RegisteredAgent(LabFleet.agent(8), AgentState.GONE, Instant.EPOCH, Instant.EPOCH, 0, 0));

        assertThat(derived.forAgents(nine)).containsSame(first);
        assertThat(derived.forAgents(someLost)).containsSame(first);
        assertThat(derived.forAgents(oneGone).orElseThrow()).isNotSameAs(first);
        // 8 agents left, every ordered pair in and across clusters, 3 ports each
        assertThat(cells(derived.forAgents(oneGone).orElseThrow(), set, oneGone)).hasSize(8 * 7 * 3);
    }

    @Test
    void thePoliciesAreCompiledAgainAtTheNextAskAfterTheWatchedClusterChanged() throws Exception {
        PoliciesInForce policies = PoliciesInForce.of(Optional.empty(), List.of("gcp-lab"));
        policies.replace("gcp-lab", List.of());
        LoadedExpectation set = ExpectationFiles.load(List.of(EXAMPLES.resolve("lab-policies.yaml"))).get(0)
                .withPolicies(policies);
        DerivedCells derived = new DerivedCells(set);
        List<RegisteredAgent> nine = agents(LabFleet.agents(9), AgentState.LIVE);

        FromPoliciesResolver open = derived.forAgents(nine).orElseThrow();
        policies.put("gcp-lab", PoliciesInForceTest.denyAll("shop", "deny-all", "1"));
        policies.put("gcp-lab", PoliciesInForceTest.denyAll("payments", "deny-all", "2"));
        FromPoliciesResolver closed = derived.forAgents(nine).orElseThrow();

        assertThat(cells(open, set, nine)).hasSize(18).allSatisfy(c -> {
            assertThat(c.from().cluster()).isEqualTo("gcp-lab");
            assertThat(c.decision().verdict()).isEqualTo(Verdict.ALLOW);
            assertThat(c.decision().decidedBy()).isEqualTo("no NetworkPolicy isolates either side");
        });
        assertThat(closed).isNotSameAs(open);
        assertThat(derived.forAgents(nine)).containsSame(closed);
        assertThat(cells(closed, set, nine)).hasSize(18).allSatisfy(c -> {
            assertThat(c.decision().verdict()).isEqualTo(Verdict.DENY);
            assertThat(c.decision().decidedBy()).isEqualTo("NetworkPolicy " + c.to().namespace()
                    + "/deny-all (cluster gcp-lab)");
        });
    }

    @Test
    void eachClustersEgressAddressesDecideWhatTheOtherClustersIngressSees() throws Exception {
        PolicyInput checkoutFromLab = PolicyInputReader.readString("p.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: checkout-from-lab, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: checkout}}
                  ingress:
                  - from: [{ipBlock: {cidr: 127.0.1.0/24}}]
                """).input();
        List<RegisteredAgent> nine = agents(LabFleet.agents(9), AgentState.LIVE);
        Endpoint frontendAws = ProbePlanner.endpoint(LabFleet.agent(0));
        Endpoint checkoutGcp = ProbePlanner.endpoint(LabFleet.agent(4));
        Endpoint frontendGcp = ProbePlanner.endpoint(LabFleet.agent(1));
        Endpoint checkoutAws = ProbePlanner.endpoint(LabFleet.agent(3));
        assertThat(List.of(frontendAws.cluster(), checkoutGcp.cluster(), frontendGcp.cluster(), checkoutAws.cluster()))
                .containsExactly("aws-lab", "gcp-lab", "gcp-lab", "aws-lab");
        LoadedExpectation set = ExpectationFiles.load(List.of(EXAMPLES.resolve("lab-policies.yaml"))).get(0)
                .withPolicies(PoliciesInForce.of(Optional.of(checkoutFromLab), List.of(),
                        Map.of("aws-lab", new EgressAddresses(List.of(Cidr.parse("192.0.2.1/32").orElseThrow())))));

        FromPoliciesResolver r = new DerivedCells(set).forAgents(nine).orElseThrow();

        PortSpec tcp = PortSpec.of(7001, Protocol.TCP);
        assertThat(r.decide(frontendAws, checkoutGcp, tcp)).contains(Verdict.DENY);
        assertThat(r.explain(frontendAws, checkoutGcp, tcp).orElseThrow().explanation().reason())
                .contains("arriving from 192.0.2.1 (SNAT of cluster aws-lab)");
        assertThat(r.decide(frontendGcp, checkoutAws, tcp)).contains(Verdict.ALLOW);
    }

    @Test
    void aSetWithoutFromPoliciesDerivesNothing() throws Exception {
        LoadedExpectation set = ExpectationFiles.load(List.of(EXAMPLES.resolve("lab.yaml"))).get(0);

        assertThat(new DerivedCells(set).forAgents(agents(LabFleet.agents(9), AgentState.LIVE))).isEmpty();
    }
}
