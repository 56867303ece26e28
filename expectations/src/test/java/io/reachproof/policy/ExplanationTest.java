package io.reachproof.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.protocol.Protocol;
import org.junit.jupiter.api.Test;

class ExplanationTest {

    private static final String POLICIES = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-all, namespace: x}
            spec: {podSelector: {}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: a-from-y, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress:
              - from: [{namespaceSelector: {matchLabels: {ns: z}}}]
              - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
                ports: [{port: serve-80-tcp}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: b-out, namespace: y}
            spec:
              podSelector: {matchLabels: {pod: b}}
              policyTypes: [Egress]
              egress:
              - to: [{podSelector: {}, namespaceSelector: {}}]
                ports: [{port: 80, endPort: 81}]
            """;

    private final TruthTable table = E2eModel.table(POLICIES);

    private Explanation explain(String from, String to, int port, Protocol protocol) {
        return table.explain(table.indexOf(from).orElseThrow(), table.indexOf(to).orElseThrow(), port, protocol);
    }

    @Test
    void anAllowedCellNamesTheRuleOfEachSideWithFileAndLine() {
        assertThat(explain("y/b", "x/a", 80, Protocol.TCP).lines()).containsExactly(
                "y/b -> x/a 80/TCP: allow",
                "  egress from y/b: allowed by spec.egress[0] of NetworkPolicy y/b-out (policies.yaml:23)"
                        + " (isolated for egress by y/b-out)",
                "  ingress to x/a: allowed by spec.ingress[1] of NetworkPolicy x/a-from-y (policies.yaml:13)"
                        + " (isolated for ingress by x/a-from-y, x/deny-all)");
    }

    @Test
    void aDeniedCellNamesThePoliciesIsolatingThePod() {
        assertThat(explain("y/a", "x/a", 81, Protocol.TCP).lines()).containsExactly(
                "y/a -> x/a 81/TCP: deny",
                "  egress from y/a: allowed: not isolated (no NetworkPolicy selects y/a for egress)",
                "  ingress to x/a: denied: isolated for ingress by x/a-from-y, x/deny-all and no rule allows y/a on 81/TCP");
    }

    @Test
    void eachSideIsExplainedEvenWhenTheOtherDenies() {
        assertThat(explain("y/b", "x/b", 80, Protocol.UDP).lines()).containsExactly(
                "y/b -> x/b 80/UDP: deny",
                "  egress from y/b: denied: isolated for egress by y/b-out and no rule allows x/b on 80/UDP",
                "  ingress to x/b: denied: isolated for ingress by x/deny-all and no rule allows y/b on 80/UDP");
    }

    @Test
    void aPortTheDestinationDoesNotDeclareIsExplainedWithoutNames() {
        Explanation e = explain("z/c", "x/a", 8080, Protocol.TCP);

        assertThat(e.port().names()).isEmpty();
        assertThat(e.lines().get(0)).isEqualTo("z/c -> x/a 8080/TCP: allow");
        assertThat(e.ingress().allowingRules()).extracting(Explanation.RuleRef::index).containsExactly(0);
    }
}
