package io.reachproof.expectations;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.yaml.Problem;
import io.reachproof.yaml.SourceRef;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpectationReaderTest {

    private final ExpectationReader reader = new ExpectationReader();

    private ConnectivityExpectation readOne(String yaml) {
        ReadResult result = reader.read("t.yaml", yaml);
        assertThat(result.problems()).isEmpty();
        assertThat(result.expectations()).hasSize(1);
        return result.expectations().get(0);
    }

    private static final String SHOP = """
            apiVersion: reachproof.io/v1alpha1
            kind: ConnectivityExpectation
            metadata: {name: shop}
            spec:
              interval: 1m30s
              defaultVerdict: deny
              groups:
                frontend:
                  clusters: [aws-prod, gcp-prod]
                  namespace: shop
                  podSelector: {matchLabels: {app: frontend}}
                payments:
                  namespaceSelector: {matchLabels: {team: payments}}
                  podSelector:
                    matchExpressions:
                      - {key: app, operator: In, values: [payments, billing]}
                      - {key: canary, operator: DoesNotExist}
                metadata-api:
                  external: ["169.254.169.254/32", "fd00:ec2::254", metadata.google.internal]
              expect:
                - from: frontend
                  to: payments
                  ports:
                    - {port: 8443, protocol: TCP}
                    - {port: 8080, protocol: HTTP, path: /healthz, method: HEAD, status: 200-204}
                    - "53/UDP"
                    - "80"
                    - 9090
                    - "7/SCTP"
                    - {port: 8081}
                    - {port: 8082, protocol: HTTP, status: 3xx}
                    - "8083/HTTP"
                  verdict: allow
                - from: "*"
                  to: metadata-api
                  ports: ["80/TCP"]
                  verdict: deny
            """;

    @Test
    void readsEveryPartOfAnExpectation() {
        ConnectivityExpectation e = readOne(SHOP);

        assertThat(e.name()).isEqualTo("shop");
        assertThat(e.interval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(e.defaultVerdict()).contains(Verdict.DENY);
        assertThat(e.defaultVerdictAt()).isEqualTo(new SourceRef("t.yaml", 6, 19));
        assertThat(e.source()).isEqualTo(new SourceRef("t.yaml", 1, 1));
        assertThat(e.fromPolicies()).isFalse();
        assertThat(e.policies()).isEmpty();
        assertThat(e.groups()).containsOnlyKeys("frontend", "payments", "metadata-api");
        assertThat(e.groups().get("frontend")).isEqualTo(new Group("frontend", List.of("aws-prod", "gcp-prod"), "shop", null,
                LabelSelector.matchLabels(Map.of("app", "frontend")), List.of(), new SourceRef("t.yaml", 9, 7)));
        assertThat(e.groups().get("payments").namespace()).isNull();
        assertThat(e.groups().get("payments").namespaceSelector()).isEqualTo(LabelSelector.matchLabels(Map.of("team", "payments")));
        assertThat(e.groups().get("payments").podSelector().matchExpressions()).containsExactly(
                new LabelSelector.Requirement("app", LabelSelector.Operator.In, Set.of("payments", "billing")),
                new LabelSelector.Requirement("canary", LabelSelector.Operator.DoesNotExist, Set.of()));
        assertThat(e.groups().get("metadata-api").external())
                .containsExactly("169.254.169.254/32", "fd00:ec2::254", "metadata.google.internal");
        assertThat(e.rules()).hasSize(2);
        assertThat(e.rules().get(1)).isEqualTo(new Rule("*", "metadata-api", List.of(PortSpec.of(80, Protocol.TCP)), Verdict.DENY,
                new SourceRef("t.yaml", 34, 7)));
    }

    @Test
    void readsBothPortFormsWithTheirDefaults() {
        List<PortSpec> ports = readOne(SHOP).rules().get(0).ports();

        assertThat(ports).containsExactly(
                PortSpec.of(8443, Protocol.TCP),
                new PortSpec(8080, Protocol.HTTP, new HttpCheck("/healthz", "HEAD", 200, 204)),
                PortSpec.of(53, Protocol.UDP),
                PortSpec.of(80, Protocol.TCP),
                PortSpec.of(9090, Protocol.TCP),
                PortSpec.of(7, Protocol.SCTP),
                PortSpec.of(8081, Protocol.TCP),
                new PortSpec(8082, Protocol.HTTP, new HttpCheck("/", "GET", 300, 399)),
                new PortSpec(8083, Protocol.HTTP, HttpCheck.DEFAULT));
    }

    @Test
    void intervalDefaultsToSixtySecondsAndDefaultVerdictToNone() {
        ConnectivityExpectation e = readOne("""
                apiVersion: reachproof.io/v1alpha1
                kind: ConnectivityExpectation
                metadata: {name: minimal}
                spec:
                  groups: {a: {}}
                  expect: [{from: a, to: a, ports: [80], verdict: allow}]
                """);

        assertThat(e.interval()).isEqualTo(ConnectivityExpectation.DEFAULT_INTERVAL);
        assertThat(e.defaultVerdict()).isEmpty();
        assertThat(e.defaultVerdictAt()).isEqualTo(e.source());
    }

    @Test
    void readsFromPoliciesWithGroupsAndPorts() {
        ConnectivityExpectation e = readOne("""
                apiVersion: reachproof.io/v1alpha1
                kind: ConnectivityExpectation
                metadata: {name: policies}
                spec:
                  groups: {a: {namespace: x}, b: {namespace: y}, c: {}}
                  fromPolicies:
                    groups: [a, b]
                    ports: ["8443/TCP", 53/UDP]
                """);

        assertThat(e.fromPolicies()).isTrue();
        assertThat(e.policies()).contains(new FromPolicies(List.of("a", "b"),
                List.of(PortSpec.of(8443, Protocol.TCP), PortSpec.of(53, Protocol.UDP)), new SourceRef("t.yaml", 6, 3)));
        assertThat(e.policies().get().covers("a", "b")).isTrue();
        assertThat(e.policies().get().covers("a", "c")).isFalse();
    }

    @Test
    void emptyFromPoliciesMeansEveryPodGroupOnEveryDeclaredPort() {
        ConnectivityExpectation e = readOne("""
                apiVersion: reachproof.io/v1alpha1
                kind: ConnectivityExpectation
                metadata: {name: policies}
                spec:
                  groups: {a: {}, b: {}}
                  fromPolicies: {}
                """);

        assertThat(e.policies()).hasValueSatisfying(p -> {
            assertThat(p.groups()).isEmpty();
            assertThat(p.ports()).isEmpty();
            assertThat(p.covers("a", "b")).isTrue();
        });
    }

    @Test
    void readsEveryDocumentOfAMultiDocumentFileAndKeepsTheValidOnes() {
        String valid = """
                apiVersion: reachproof.io/v1alpha1
                kind: ConnectivityExpectation
                metadata: {name: %s}
                spec:
                  groups: {a: {}}
                  expect: [{from: a, to: a, ports: [80], verdict: allow}]
                """;
        ReadResult result = reader.read("t.yaml", valid.formatted("one") + "---\n" + valid.formatted("Bad") + "---\n" + valid.formatted("three"));

        assertThat(result.expectations()).extracting(ConnectivityExpectation::name).containsExactly("one", "three");
        assertThat(result.problems()).map(Problem::toString).containsExactly(
                "t.yaml:10:18: metadata.name must be a DNS-1123 name (lower-case letters, digits, '-' and '.'): 'Bad'");
        assertThat(result.ok()).isFalse();
    }

    @Test
    void equalRulesOfEqualVerdictAreNoConflict() {
        ConnectivityExpectation e = readOne("""
                apiVersion: reachproof.io/v1alpha1
                kind: ConnectivityExpectation
                metadata: {name: same}
                spec:
                  groups: {a: {}, b: {}}
                  expect:
                    - {from: a, to: b, ports: [80], verdict: deny}
                    - {from: "*", to: b, ports: [80], verdict: allow}
                    - {from: a, to: "*", ports: [80, 443], verdict: deny}
                """);

        assertThat(e.rules()).hasSize(3);
    }

    @Test
    void readsSeveralFilesAsOneSetAndReportsANameUsedTwice(@TempDir Path dir) throws IOException {
        String doc = """
                apiVersion: reachproof.io/v1alpha1
                kind: ConnectivityExpectation
                metadata: {name: shop}
                spec:
                  groups: {a: {}}
                  expect: [{from: a, to: a, ports: [80], verdict: allow}]
                """;
        Path first = Files.writeString(dir.resolve("first.yaml"), doc);
        Path second = Files.writeString(dir.resolve("second.yaml"), doc);

        ReadResult result = reader.readAll(List.of(first, second));

        assertThat(result.expectations()).singleElement().extracting(x -> x.source().file()).isEqualTo(first.toString());
        assertThat(result.problems()).map(Problem::toString)
                .containsExactly(second + ":3:18: duplicate expectation name 'shop' (first at " + first + ":3:18)");
    }

    @Test
    void aMissingFileIsAProblemNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");

        ReadResult result = reader.read(missing);

        assertThat(result.expectations()).isEmpty();
        assertThat(result.problems()).map(Problem::toString).containsExactly(missing + ": no such file");
    }

    @Test
    void aFileThatIsNotUtf8IsAProblem(@TempDir Path dir) throws IOException {
        Path latin1 = Files.write(dir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9});

        assertThat(reader.read(latin1).problems()).map(Problem::toString).containsExactly(latin1 + ": not UTF-8 text");
    }

    @Test
    void collectsEveryMistakeOfTheInvalidExampleInOnePass() {
        ReadResult result = reader.read(Path.of("examples/invalid/mistakes.yaml"));

        String f = "examples/invalid/mistakes.yaml";
        assertThat(result.expectations()).isEmpty();
        assertThat(result.problems()).map(Problem::toString).containsExactly(
                f + ":6:13: invalid duration '30 seconds' (expected a Go duration like 30s, 1m30s, 500ms or 2h)",
                f + ":10:7: unknown key 'podSelectr' in group 'frontend' (did you mean 'podSelector'?)",
                f + ":13:7: duplicate key 'namespace' in group 'payments' (first at line 12)",
                f + ":16:34: unknown selector operator 'Equals' (expected one of In, NotIn, Exists, DoesNotExist)",
                f + ":17:35: operator In needs at least one value",
                f + ":19:18: invalid external destination: prefix length '33' is outside 0..32",
                f + ":22:11: unknown group 'paymnets' (did you mean 'payments'?)",
                f + ":23:15: unknown protocol 'TPC' (did you mean 'TCP'?)",
                f + ":27:22: port 70000 is outside 1..65535",
                f + ":27:58: 'path' applies only to HTTP ports, not TCP",
                f + ":37:13: group 'metadata-api' is external and can only be a destination",
                f + ":40:16: unknown verdict 'maybe' (expected one of allow, deny)",
                f + ":51:7: conflicting verdicts for frontend -> payments 8443/TCP: deny here, allow at " + f + ":50");
    }

    @Test
    void defaultVerdictNoneIsNoDefault() {
        ConnectivityExpectation e = readOne("""
                apiVersion: reachproof.io/v1alpha1
                kind: ConnectivityExpectation
                metadata: {name: none}
                spec:
                  defaultVerdict: none
                  groups: {a: {}}
                  expect: [{from: a, to: a, ports: [80], verdict: allow}]
                """);

        assertThat(e.defaultVerdict()).isEqualTo(Optional.empty());
    }
}
