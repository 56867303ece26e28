package io.reachproof.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NetworkPolicy v1 semantics on the upstream e2e model (see {@link E2eModel}): one case per semantic,
 * each asserting the whole truth table (9 pods x 8 peers x 6 ports = 432 cells).
 */
class E2eTruthTableTest {

    /** The expected verdict of a cell. */
    @FunctionalInterface
    interface Expect {
        boolean allows(String from, String to, String port);
    }

    private static final String HEAD = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n";

    private static Arguments c(String name, String policies, Expect expect) {
        return Arguments.of(Named.of(name, policies), expect);
    }

    private static boolean in(String pod, String namespace) {
        return pod.startsWith(namespace + "/");
    }

    static Stream<Arguments> cases() {
        return Stream.of(
            c("no policy: everything is allowed", "", (f, t, p) -> true),
            c("deny-all ingress isolates every pod of its namespace for ingress", HEAD + """
                metadata: {name: deny-all, namespace: x}
                spec: {podSelector: {}}
                """, (f, t, p) -> !in(t, "x")),
            c("a policy selects only pods of its own namespace", HEAD + """
                metadata: {name: deny-a, namespace: y}
                spec: {podSelector: {matchLabels: {pod: a}}}
                """, (f, t, p) -> !t.equals("y/a")),
            c("deny-all egress with explicit policyTypes Egress isolates sources", HEAD + """
                metadata: {name: deny-egress, namespace: x}
                spec: {podSelector: {}, policyTypes: [Egress]}
                """, (f, t, p) -> !in(f, "x")),
            c("without egress rules policyTypes defaults to Ingress only", HEAD + """
                metadata: {name: a-from-y, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
                """, (f, t, p) -> !t.equals("x/a") || in(f, "y")),
            c("egress rules make the default policyTypes Ingress and Egress", HEAD + """
                metadata: {name: a-to-y, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  egress:
                  - to: [{namespaceSelector: {matchLabels: {ns: y}}}]
                """, (f, t, p) -> !t.equals("x/a") && (!f.equals("x/a") || in(t, "y"))),
            c("explicit policyTypes Ingress ignores egress rules", HEAD + """
                metadata: {name: ingress-only, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  policyTypes: [Ingress]
                  egress:
                  - to: [{podSelector: {matchLabels: {pod: b}}}]
                """, (f, t, p) -> !t.equals("x/a")),
            c("explicit policyTypes Egress ignores ingress rules", HEAD + """
                metadata: {name: egress-only, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  policyTypes: [Egress]
                  ingress:
                  - {}
                  egress:
                  - to: [{podSelector: {matchLabels: {pod: b}}}]
                """, (f, t, p) -> !f.equals("x/a") || t.equals("x/b")),
            c("a podSelector peer alone means the policy's own namespace", HEAD + """
                metadata: {name: a-from-b, namespace: y}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - from: [{podSelector: {matchLabels: {pod: b}}}]
                """, (f, t, p) -> !t.equals("y/a") || f.equals("y/b")),
            c("namespaceSelector and podSelector in one peer must both match", HEAD + """
                metadata: {name: a-from-y-b, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - from:
                    - namespaceSelector: {matchLabels: {ns: y}}
                      podSelector: {matchLabels: {pod: b}}
                """, (f, t, p) -> !t.equals("x/a") || f.equals("y/b")),
            c("separate peers are alternatives", HEAD + """
                metadata: {name: a-from-y-or-b, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - from:
                    - namespaceSelector: {matchLabels: {ns: y}}
                    - podSelector: {matchLabels: {pod: b}}
                """, (f, t, p) -> !t.equals("x/a") || in(f, "y") || f.equals("x/b")),
            c("an empty podSelector peer means every pod of the own namespace", HEAD + """
                metadata: {name: a-from-x, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - from: [{podSelector: {}}]
                """, (f, t, p) -> !t.equals("x/a") || in(f, "x")),
            c("an empty namespaceSelector means every namespace", HEAD + """
                metadata: {name: a-from-every-c, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - from: [{namespaceSelector: {}, podSelector: {matchLabels: {pod: c}}}]
                """, (f, t, p) -> !t.equals("x/a") || f.endsWith("/c")),
            c("the implicit kubernetes.io/metadata.name namespace label", HEAD + """
                metadata: {name: a-from-z, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: z}}}]
                """, (f, t, p) -> !t.equals("x/a") || in(f, "z")),
            c("matchExpressions In and NotIn", HEAD + """
                metadata: {name: a-from-expressions, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - from:
                    - namespaceSelector: {matchExpressions: [{key: ns, operator: NotIn, values: [x]}]}
                      podSelector: {matchExpressions: [{key: pod, operator: In, values: [a, b]}]}
                """, (f, t, p) -> !t.equals("x/a") || (!in(f, "x") && !f.endsWith("/c"))),
            c("matchExpressions Exists and DoesNotExist", HEAD + """
                metadata: {name: a-from-nothing, namespace: x}
                spec:
                  podSelector: {matchExpressions: [{key: pod, operator: Exists}]}
                  ingress:
                  - from:
                    - podSelector: {matchExpressions: [{key: pod, operator: DoesNotExist}]}
                """, (f, t, p) -> !in(t, "x")),
            c("ipBlock with except matches pod IPs", HEAD + """
                metadata: {name: a-from-cidr, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.2.0/24]}}]
                """, (f, t, p) -> !t.equals("x/a") || !in(f, "y")),
            c("a numeric port with peers", HEAD + """
                metadata: {name: a-80-from-y, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
                    ports: [{port: 80, protocol: TCP}]
                """, (f, t, p) -> !t.equals("x/a") || (in(f, "y") && p.equals("80/TCP"))),
            c("ports without peers: every source, protocol defaults to TCP", HEAD + """
                metadata: {name: a-81, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - ports: [{port: 81}]
                """, (f, t, p) -> !t.equals("x/a") || p.equals("81/TCP")),
            c("UDP port and every SCTP port", HEAD + """
                metadata: {name: a-udp-sctp, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - ports: [{port: 80, protocol: UDP}, {protocol: SCTP}]
                """, (f, t, p) -> !t.equals("x/a") || p.equals("80/UDP") || p.endsWith("/SCTP")),
            c("a named port resolves on the destination pod with its protocol", HEAD + """
                metadata: {name: a-named, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - ports: [{port: serve-81-udp, protocol: UDP}]
                """, (f, t, p) -> !t.equals("x/a") || p.equals("81/UDP")),
            c("a named port with another protocol matches nothing", HEAD + """
                metadata: {name: a-named-tcp, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - ports: [{port: serve-81-udp}]
                """, (f, t, p) -> !t.equals("x/a")),
            c("endPort makes a range", HEAD + """
                metadata: {name: a-range, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - ports: [{port: 80, endPort: 81, protocol: SCTP}]
                """, (f, t, p) -> !t.equals("x/a") || p.endsWith("/SCTP")),
            c("the empty rule allows everything", HEAD + """
                metadata: {name: deny-all, namespace: x}
                spec: {podSelector: {}}
                ---
                """ + HEAD + """
                metadata: {name: a-open, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress: [{}]
                """, (f, t, p) -> !in(t, "x") || t.equals("x/a")),
            c("rules of all policies selecting a pod are united", HEAD + """
                metadata: {name: deny-all, namespace: x}
                spec: {podSelector: {}}
                ---
                """ + HEAD + """
                metadata: {name: a-from-y, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: y}}}]}]
                ---
                """ + HEAD + """
                metadata: {name: a-80-from-z, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - from: [{namespaceSelector: {matchLabels: {ns: z}}}]
                    ports: [{port: 80}]
                """, (f, t, p) -> !in(t, "x") || (t.equals("x/a") && (in(f, "y") || (in(f, "z") && p.equals("80/TCP"))))),
            c("rules of one policy are united", HEAD + """
                metadata: {name: a-two-rules, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - from: [{namespaceSelector: {matchLabels: {ns: y}}}]
                    ports: [{port: 80}]
                  - from: [{namespaceSelector: {matchLabels: {ns: z}}}]
                    ports: [{port: 81, protocol: UDP}]
                """, (f, t, p) -> !t.equals("x/a") || (in(f, "y") && p.equals("80/TCP")) || (in(f, "z") && p.equals("81/UDP"))),
            c("egress of the source and ingress of the destination must both allow", HEAD + """
                metadata: {name: y-to-x-only, namespace: y}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress: [{to: [{namespaceSelector: {matchLabels: {ns: x}}}]}]
                ---
                """ + HEAD + """
                metadata: {name: a-from-y-b, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: y}}, podSelector: {matchLabels: {pod: b}}}]}]
                """, (f, t, p) -> (!in(f, "y") || in(t, "x")) && (!t.equals("x/a") || f.equals("y/b"))),
            c("an egress named port resolves on the destination pod", HEAD + """
                metadata: {name: a-out-named, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  policyTypes: [Egress]
                  egress: [{ports: [{port: serve-80-udp, protocol: UDP}]}]
                """, (f, t, p) -> !f.equals("x/a") || p.equals("80/UDP")),
            c("an egress ipBlock matches destination pod IPs", HEAD + """
                metadata: {name: a-out-cidr, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  policyTypes: [Egress]
                  egress: [{to: [{ipBlock: {cidr: 10.0.3.0/24}}]}]
                """, (f, t, p) -> !f.equals("x/a") || in(t, "z")),
            c("an empty egress list with policyTypes Egress denies all egress", HEAD + """
                metadata: {name: a-no-egress, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  policyTypes: [Ingress, Egress]
                  ingress: [{}]
                  egress: []
                """, (f, t, p) -> !f.equals("x/a")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void truthTableMatchesKubernetesSemantics(String policies, Expect expect) {
        TruthTable table = E2eModel.table(policies);

        assertThat(table.cells()).containsExactlyElementsOf(expected(expect));
        table.forEachCell((from, to, port, allowed) -> assertThat(
                table.explain(from, to, port.port(), port.protocol()).verdict())
                .as("explained verdict of %s -> %s %s", table.pods().get(from), table.pods().get(to), port.label())
                .isEqualTo(allowed ? Verdict.ALLOW : Verdict.DENY));
    }

    @Test
    void everyOrderedPairOfDistinctPodsHasACellPerDeclaredPort() {
        TruthTable table = E2eModel.table("");

        assertThat(table.cellCount()).isEqualTo(9 * 8 * 6);
        assertThat(table.cells()).hasSize(432).noneMatch(c -> c.from().equals(c.to()));
        assertThat(table.ports(0)).extracting(PodPort::label)
                .containsExactly("80/TCP", "80/UDP", "80/SCTP", "81/TCP", "81/UDP", "81/SCTP");
        assertThat(table.ports(0).get(0).names()).containsExactly("serve-80-tcp");
    }

    @Test
    void ipBlockNeverMatchesAPodWithoutAnIp() {
        TruthTable table = E2eModel.table(HEAD + """
                metadata: {name: a-from-everywhere-by-ip, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}]
                """, E2eModel.topologyYaml(E2eModel.NAMESPACES, false));

        assertThat(table.cells()).containsExactlyElementsOf(expected((f, t, p) -> !t.equals("x/a")));
    }

    @Test
    void aNamespaceWithoutANamespaceObjectHasOnlyTheImplicitLabel() {
        String policies = HEAD + """
                metadata: {name: a-from-z, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  ingress:
                  - from: [{namespaceSelector: {matchLabels: {ns: z}}}]
                  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]
                """;
        TruthTable table = E2eModel.table(policies, E2eModel.topologyYaml(List.of("x"), true));

        assertThat(table.cells()).containsExactlyElementsOf(expected((f, t, p) -> !t.equals("x/a") || in(f, "y")));
    }

    /** The whole expected table, in table order. */
    static List<TruthTable.Cell> expected(Expect expect) {
        List<TruthTable.Cell> cells = new ArrayList<>();
        for (String fromNs : E2eModel.NAMESPACES) {
            for (String fromPod : E2eModel.PODS) {
                String from = fromNs + "/" + fromPod;
                for (String toNs : E2eModel.NAMESPACES) {
                    for (String toPod : E2eModel.PODS) {
                        String to = toNs + "/" + toPod;
                        if (from.equals(to)) {
                            continue;
                        }
                        for (int port : E2eModel.PORTS) {
                            for (Protocol protocol : E2eModel.PROTOCOLS) {
                                boolean allow = expect.allows(from, to, port + "/" + protocol);
                                cells.add(new TruthTable.Cell(from, to, port, protocol, allow ? Verdict.ALLOW : Verdict.DENY));
                            }
                        }
                    }
                }
            }
        }
        return cells;
    }
}
