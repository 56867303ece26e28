package io.reachproof.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.expectations.ConnectivityExpectation;
import io.reachproof.expectations.ExpectationReader;
import io.reachproof.expectations.ReadResult;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link PolicyCheck} on the upstream e2e model: exactly the seeded violations, and warnings for empty rules. */
class PolicyCheckTest {

    private static final String POLICIES = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: x-from-y-on-80, namespace: x}
            spec:
              podSelector: {}
              ingress:
              - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
                ports: [{port: 80, protocol: TCP}]
            """;

    private static List<ConnectivityExpectation> expectations(String yaml) {
        ReadResult read = new ExpectationReader().read("expect.yaml", yaml);
        assertThat(read.problems()).isEmpty();
        return read.expectations();
    }

    private static final String EXPECTATIONS = """
            apiVersion: reachproof.io/v1alpha1
            kind: ConnectivityExpectation
            metadata: {name: model}
            spec:
              groups:
                x: {namespace: x}
                y: {namespace: y}
                z: {namespace: z}
                w: {namespace: w}
                elsewhere: {clusters: [gcp-prod], namespace: z}
              expect:
              - {from: y, to: x, ports: ["80/TCP"], verdict: allow}
              - {from: z, to: x, ports: ["80/TCP", "80/HTTP"], verdict: deny}
              - {from: y, to: x, ports: ["81/TCP"], verdict: allow}
              - {from: x, to: y, ports: ["80/UDP"], verdict: deny}
              - {from: w, to: x, ports: ["80/TCP"], verdict: deny}
              - {from: elsewhere, to: y, ports: ["80/TCP"], verdict: allow}
              - {from: x, to: y, ports: ["9090/TCP"], verdict: allow}
            """;

    @Test
    void findsExactlyTheSeededViolationsWithTheirKindRuleAndReason() {
        TruthTable table = E2eModel.table(POLICIES);

        PolicyCheck.Report report = PolicyCheck.check("default", table, expectations(EXPECTATIONS));

        assertThat(report.violations()).hasSize(18);
        assertThat(report.violations().subList(0, 9)).allSatisfy(v -> {
            assertThat(v.fromGroup() + "->" + v.toGroup() + " " + v.port().label()).isEqualTo("x->y 80/UDP");
            assertThat(v.kind()).isEqualTo(MismatchKind.HOLE);
            assertThat(v.predicted()).isEqualTo(Verdict.ALLOW);
            assertThat(v.rule().fileLine()).isEqualTo("expect.yaml:15");
        });
        assertThat(report.violations().subList(9, 18)).allSatisfy(v -> {
            assertThat(v.fromGroup() + "->" + v.toGroup() + " " + v.port().label()).isEqualTo("y->x 81/TCP");
            assertThat(v.kind()).isEqualTo(MismatchKind.BLOCKED);
            assertThat(v.rule().fileLine()).isEqualTo("expect.yaml:14");
        });
        assertThat(report.violations().get(9).explanation().reason()).isEqualTo(
                "ingress to x/a: denied: isolated for ingress by x/x-from-y-on-80 and no rule allows y/a on 81/TCP");
        assertThat(report.violations().get(0).explanation().reason()).isEqualTo(
                "egress from x/a: allowed: not isolated (no NetworkPolicy selects x/a for egress);"
                        + " ingress to y/a: allowed: not isolated (no NetworkPolicy selects y/a for ingress)");
        assertThat(report.cells()).as("80/HTTP is the 80/TCP cells again").isEqualTo(4 * 9);
    }

    @Test
    void rulesThatSelectNoPodOrNoDeclaredPortAreWarningsNotViolations() {
        TruthTable table = E2eModel.table(POLICIES);

        PolicyCheck.Report report = PolicyCheck.check("default", table, expectations(EXPECTATIONS));

        assertThat(report.warnings()).extracting(Object::toString).containsExactly(
                "expect.yaml:16: cluster default: expectation model: proves nothing here: group w selects no pod",
                "expect.yaml:17: cluster default: expectation model: proves nothing here: group elsewhere selects no pod",
                "expect.yaml:18: cluster default: expectation model: proves nothing here: no pod of group y declares 9090/TCP");
    }

    @Test
    void policiesThatKeepEveryPromiseGiveNoViolation() {
        TruthTable table = E2eModel.table(POLICIES);

        PolicyCheck.Report report = PolicyCheck.check("default", table, expectations(EXPECTATIONS.lines()
                .filter(l -> !l.contains("81/TCP") && !l.contains("80/UDP"))
                .reduce("", (a, b) -> a + b + "\n")));

        assertThat(report.violations()).isEmpty();
        assertThat(report.cells()).isEqualTo(2 * 9);
    }
}
