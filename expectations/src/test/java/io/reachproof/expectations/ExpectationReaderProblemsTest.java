package io.reachproof.expectations;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.yaml.Problem;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every validation error, with its exact message and position. */
class ExpectationReaderProblemsTest {

    /** Lines 1-4; the spec body given to {@link #spec} starts on line 5. */
    private static final String HEADER = """
            apiVersion: reachproof.io/v1alpha1
            kind: ConnectivityExpectation
            metadata: {name: t}
            spec:
            """;

    /** Lines 5-8 when used right after the header. */
    private static final String GROUPS = """
              groups:
                frontend: {namespace: shop, podSelector: {matchLabels: {app: frontend}}}
                payments: {namespace: payments}
                metadata-api: {external: ["169.254.169.254/32"]}
            """;

    private static String spec(String body) {
        return HEADER + body;
    }

    /** Header, groups, then {@code expect:} on line 9 and the rules from line 10. */
    private static String rules(String rules) {
        return HEADER + GROUPS + "  expect:\n" + rules;
    }

    private static final String ONE_RULE = "    - {from: frontend, to: payments, ports: [\"8443/TCP\"], verdict: allow}\n";

    private static Arguments c(String name, String yaml, String... expected) {
        return Arguments.of(name, yaml, List.of(expected));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                c("YAML syntax error", "apiVersion: [a, b\nkind: x\n",
                        "t.yaml:2:5: YAML syntax error: while parsing a flow sequence: expected ',' or ']', but got :"),
                c("tab indentation", "apiVersion: v\n\tkind: x\n",
                        "t.yaml:2:1: YAML syntax error: while scanning for the next token: found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)"),
                c("empty file", "",
                        "t.yaml:1:1: no ConnectivityExpectation in the file (it is empty)"),
                c("document is not a mapping", "- a\n- b\n",
                        "t.yaml:1:1: a ConnectivityExpectation document must be a mapping, got a list"),
                c("wrong apiVersion", "apiVersion: v1\nkind: ConnectivityExpectation\n",
                        "t.yaml:1:13: apiVersion must be 'reachproof.io/v1alpha1', got 'v1'"),
                c("wrong kind", "apiVersion: reachproof.io/v1alpha1\nkind: NetworkPolicy\nspec: {whatever: 1}\n",
                        "t.yaml:2:7: kind must be 'ConnectivityExpectation', got 'NetworkPolicy'"),
                c("missing apiVersion", "kind: ConnectivityExpectation\n",
                        "t.yaml:1:1: missing required key 'apiVersion' in the document"),
                c("missing metadata name", "apiVersion: reachproof.io/v1alpha1\nkind: ConnectivityExpectation\nmetadata: {}\n"
                        + "spec: {groups: {a: {}}, expect: [{from: a, to: a, ports: [80], verdict: allow}]}\n",
                        "t.yaml:3:11: missing required key 'name' in metadata"),
                c("name not a DNS name", "apiVersion: reachproof.io/v1alpha1\nkind: ConnectivityExpectation\nmetadata: {name: Shop_Prod}\n"
                        + "spec: {groups: {a: {}}, expect: [{from: a, to: a, ports: [80], verdict: allow}]}\n",
                        "t.yaml:3:18: metadata.name must be a DNS-1123 name (lower-case letters, digits, '-' and '.'): 'Shop_Prod'"),
                c("unknown top-level key", "apiVersion: reachproof.io/v1alpha1\nkind: ConnectivityExpectation\nmetadata: {name: t}\n"
                        + "specs: {}\n",
                        "t.yaml:1:1: missing required key 'spec' in the document",
                        "t.yaml:4:1: unknown key 'specs' in the document (did you mean 'spec'?)"),
                c("unknown group key with suggestion", spec("""
                          groups:
                            frontend: {namespace: shop, podSelectr: {}}
                          expect: [{from: frontend, to: frontend, ports: [80], verdict: allow}]
                        """),
                        "t.yaml:6:33: unknown key 'podSelectr' in group 'frontend' (did you mean 'podSelector'?)"),
                c("unknown key without a near one", spec("""
                          groups: {a: {}}
                          expect: [{from: a, to: a, ports: [80], verdict: allow, comment: x}]
                        """),
                        "t.yaml:6:58: unknown key 'comment' in expect[0] (expected one of from, to, ports, verdict, clusters)"),
                c("duplicate key", spec("""
                          groups:
                            a:
                              namespace: shop
                              namespace: payments
                          expect: [{from: a, to: a, ports: [80], verdict: allow}]
                        """),
                        "t.yaml:8:7: duplicate key 'namespace' in group 'a' (first at line 7)"),
                c("duplicate group", spec("""
                          groups:
                            a: {}
                            a: {}
                          expect: [{from: a, to: a, ports: [80], verdict: allow}]
                        """),
                        "t.yaml:7:5: duplicate key 'a' in groups (first at line 6)"),
                c("string where a list belongs", spec("""
                          groups:
                            a: {clusters: aws-prod}
                          expect: [{from: a, to: a, ports: [80], verdict: allow}]
                        """),
                        "t.yaml:6:19: 'clusters' must be a list, got string 'aws-prod'"),
                c("list where a string belongs", spec("""
                          groups:
                            a: {namespace: [shop]}
                          expect: [{from: a, to: a, ports: [80], verdict: allow}]
                        """),
                        "t.yaml:6:20: 'namespace' must be a string, got a list"),
                c("label value that is not a string", spec("""
                          groups:
                            a: {podSelector: {matchLabels: {version: 2}}}
                          expect: [{from: a, to: a, ports: [80], verdict: allow}]
                        """),
                        "t.yaml:6:46: the value of 'version' must be a string, got integer 2 (quote it: \"2\")"),
                c("spec not a mapping", "apiVersion: reachproof.io/v1alpha1\nkind: ConnectivityExpectation\nmetadata: {name: t}\nspec: [a]\n",
                        "t.yaml:4:7: 'spec' must be a mapping, got a list"),
                c("empty clusters", spec("""
                          groups:
                            a: {clusters: []}
                          expect: [{from: a, to: a, ports: [80], verdict: allow}]
                        """),
                        "t.yaml:6:19: 'clusters' must not be empty (leave it out to mean every cluster)"),
                c("no groups", spec("""
                          groups: {}
                          expect: [{from: "*", to: "*", ports: [80], verdict: allow}]
                        """),
                        "t.yaml:5:11: 'groups' must declare at least one group"),
                c("star as a group name", spec("""
                          groups: {"*": {}}
                          expect: [{from: "*", to: "*", ports: [80], verdict: allow}]
                        """),
                        "t.yaml:5:12: '*' cannot be a group name (it stands for every group)"),
                c("missing required rule key", rules("    - {from: frontend, to: payments, ports: [\"8443/TCP\"]}\n"),
                        "t.yaml:10:7: missing required key 'verdict' in expect[0]"),
                c("unknown source group with suggestion", rules("    - {from: frontnd, to: payments, ports: [80], verdict: allow}\n"),
                        "t.yaml:10:14: unknown group 'frontnd' (did you mean 'frontend'?)"),
                c("unknown destination group without a near one", rules("    - {from: frontend, to: billing, ports: [80], verdict: allow}\n"),
                        "t.yaml:10:28: unknown group 'billing' (expected one of frontend, payments, metadata-api)"),
                c("external group as source", rules("    - {from: metadata-api, to: frontend, ports: [80], verdict: allow}\n"),
                        "t.yaml:10:14: group 'metadata-api' is external and can only be a destination"),
                c("unknown verdict", rules("    - {from: frontend, to: payments, ports: [80], verdict: permit}\n"),
                        "t.yaml:10:60: unknown verdict 'permit' (expected one of allow, deny)"),
                c("verdict in upper case", rules("    - {from: frontend, to: payments, ports: [80], verdict: Allow}\n"),
                        "t.yaml:10:60: unknown verdict 'Allow' (did you mean 'allow'?)"),
                c("no ports", rules("    - {from: frontend, to: payments, ports: [], verdict: allow}\n"),
                        "t.yaml:10:45: 'ports' must list at least one port"),
                c("port above 65535", rules("    - {from: frontend, to: payments, ports: [{port: 70000}], verdict: allow}\n"),
                        "t.yaml:10:53: port 70000 is outside 1..65535"),
                c("port zero in short form", rules("    - {from: frontend, to: payments, ports: [\"0/TCP\"], verdict: allow}\n"),
                        "t.yaml:10:46: port 0 is outside 1..65535"),
                c("port as a name", rules("    - {from: frontend, to: payments, ports: [{port: https}], verdict: allow}\n"),
                        "t.yaml:10:53: 'port' must be an integer, got string 'https'"),
                c("short form that is not PORT/PROTOCOL", rules("    - {from: frontend, to: payments, ports: [\"https\"], verdict: allow}\n"),
                        "t.yaml:10:46: invalid port 'https' (expected PORT or PORT/PROTOCOL, e.g. 8443/TCP)"),
                c("missing port number", rules("    - {from: frontend, to: payments, ports: [{protocol: UDP}], verdict: allow}\n"),
                        "t.yaml:10:46: missing required key 'port' in expect[0].ports[0]"),
                c("unknown protocol with suggestion", rules("    - {from: frontend, to: payments, ports: [\"53/UPD\"], verdict: allow}\n"),
                        "t.yaml:10:46: unknown protocol 'UPD' (did you mean 'UDP'?)"),
                c("unknown protocol", rules("    - {from: frontend, to: payments, ports: [{port: 53, protocol: QUIC}], verdict: allow}\n"),
                        "t.yaml:10:67: unknown protocol 'QUIC' (expected one of TCP, UDP, SCTP, HTTP)"),
                c("path on a TCP port", rules("    - {from: frontend, to: payments, ports: [{port: 80, path: /x}], verdict: allow}\n"),
                        "t.yaml:10:57: 'path' applies only to HTTP ports, not TCP"),
                c("method and status on a UDP port", rules(
                        "    - {from: frontend, to: payments, ports: [{port: 53, protocol: UDP, method: GET, status: 200}], verdict: allow}\n"),
                        "t.yaml:10:72: 'method' applies only to HTTP ports, not UDP",
                        "t.yaml:10:85: 'status' applies only to HTTP ports, not UDP"),
                c("bad status", rules("    - {from: frontend, to: payments, ports: [{port: 80, protocol: HTTP, status: 2xxx}], verdict: allow}\n"),
                        "t.yaml:10:81: invalid status '2xxx' (expected a code like 200, a class like 2xx or a range like 200-299)"),
                c("reversed status range", rules("    - {from: frontend, to: payments, ports: [{port: 80, protocol: HTTP, status: 299-200}], verdict: allow}\n"),
                        "t.yaml:10:81: invalid status '299-200' (codes lie in 100..599, a range goes from low to high)"),
                c("path without a slash", rules("    - {from: frontend, to: payments, ports: [{port: 80, protocol: HTTP, path: healthz}], verdict: allow}\n"),
                        "t.yaml:10:79: path must start with '/': 'healthz'"),
                c("unknown HTTP method with suggestion", rules("    - {from: frontend, to: payments, ports: [{port: 80, protocol: HTTP, method: FETCH}], verdict: allow}\n"),
                        "t.yaml:10:81: unknown HTTP method 'FETCH' (did you mean 'PATCH'?)"),
                c("bad duration", spec("  interval: 30 seconds\n" + GROUPS + "  expect:\n" + ONE_RULE),
                        "t.yaml:5:13: invalid duration '30 seconds' (expected a Go duration like 30s, 1m30s, 500ms or 2h)"),
                c("duration without unit", spec("  interval: 30\n" + GROUPS + "  expect:\n" + ONE_RULE),
                        "t.yaml:5:13: invalid duration '30' (expected a Go duration like 30s, 1m30s, 500ms or 2h)"),
                c("negative duration", spec("  interval: -5s\n" + GROUPS + "  expect:\n" + ONE_RULE),
                        "t.yaml:5:13: invalid duration '-5s' (expected a Go duration like 30s, 1m30s, 500ms or 2h)"),
                c("zero duration", spec("  interval: 0s\n" + GROUPS + "  expect:\n" + ONE_RULE),
                        "t.yaml:5:13: interval must be positive: '0s'"),
                c("unknown default verdict", spec("  defaultVerdict: open\n" + GROUPS + "  expect:\n" + ONE_RULE),
                        "t.yaml:5:19: unknown default verdict 'open' (expected one of none, allow, deny)"),
                c("unknown selector operator", spec("""
                          groups:
                            a: {podSelector: {matchExpressions: [{key: app, operator: Equal, values: [x]}]}}
                          expect: [{from: a, to: a, ports: [80], verdict: allow}]
                        """),
                        "t.yaml:6:63: unknown selector operator 'Equal' (expected one of In, NotIn, Exists, DoesNotExist)"),
                c("selector operator in lower case", spec("""
                          groups:
                            a: {podSelector: {matchExpressions: [{key: app, operator: notin, values: [x]}]}}
                          expect: [{from: a, to: a, ports: [80], verdict: allow}]
                        """),
                        "t.yaml:6:63: unknown selector operator 'notin' (did you mean 'NotIn'?)"),
                c("In without values", spec("""
                          groups:
                            a: {podSelector: {matchExpressions: [{key: app, operator: In}]}}
                          expect: [{from: a, to: a, ports: [80], verdict: allow}]
                        """),
                        "t.yaml:6:63: operator In needs at least one value"),
                c("NotIn with an empty value list", spec("""
                          groups:
                            a: {namespaceSelector: {matchExpressions: [{key: team, operator: NotIn, values: []}]}}
                          expect: [{from: a, to: a, ports: [80], verdict: allow}]
                        """),
                        "t.yaml:6:70: operator NotIn needs at least one value"),
                c("Exists with values", spec("""
                          groups:
                            a: {podSelector: {matchExpressions: [{key: app, operator: Exists, values: [x]}]}}
                          expect: [{from: a, to: a, ports: [80], verdict: allow}]
                        """),
                        "t.yaml:6:71: operator Exists takes no values"),
                c("selector expression without key", spec("""
                          groups:
                            a: {podSelector: {matchExpressions: [{operator: Exists}]}}
                          expect: [{from: a, to: a, ports: [80], verdict: allow}]
                        """),
                        "t.yaml:6:42: missing required key 'key' in matchExpressions[0] of podSelector of group 'a'"),
                c("unknown selector key", spec("""
                          groups:
                            a: {podSelector: {app: frontend}}
                          expect: [{from: a, to: a, ports: [80], verdict: allow}]
                        """),
                        "t.yaml:6:23: unknown key 'app' in podSelector of group 'a' (expected one of matchLabels, matchExpressions)"),
                c("namespace and namespaceSelector", spec("""
                          groups:
                            a: {namespace: shop, namespaceSelector: {matchLabels: {team: shop}}}
                          expect: [{from: a, to: a, ports: [80], verdict: allow}]
                        """),
                        "t.yaml:6:26: namespace and namespaceSelector are exclusive in group 'a'"),
                c("external mixed with pod selection", spec("""
                          groups:
                            a: {namespace: shop}
                            dns: {external: [1.1.1.1], namespace: kube-system, podSelector: {}}
                          expect: [{from: a, to: dns, ports: [53/UDP], verdict: allow}]
                        """),
                        "t.yaml:7:32: 'namespace' cannot be combined with 'external' in group 'dns' (external destinations have no pods)",
                        "t.yaml:7:56: 'podSelector' cannot be combined with 'external' in group 'dns' (external destinations have no pods)"),
                c("CIDR prefix too long", spec("""
                          groups:
                            a: {}
                            x: {external: ["10.0.0.0/33", "2001:db8::/129"]}
                          expect: [{from: a, to: x, ports: [80], verdict: deny}]
                        """),
                        "t.yaml:7:20: invalid external destination: prefix length '33' is outside 0..32",
                        "t.yaml:7:35: invalid external destination: prefix length '129' is outside 0..128"),
                c("bad IPv4 and IPv6 addresses", spec("""
                          groups:
                            a: {}
                            x: {external: ["300.1.1.1", "10.0.0/8", "2001:db8:::1", "fe80::g"]}
                          expect: [{from: a, to: x, ports: [80], verdict: deny}]
                        """),
                        "t.yaml:7:20: invalid external destination: '300.1.1.1' is not an IPv4 address (4 numbers 0..255 separated by dots)",
                        "t.yaml:7:33: invalid external destination: '10.0.0' is not an IPv4 address (4 numbers 0..255 separated by dots)",
                        "t.yaml:7:45: invalid external destination: '2001:db8:::1' is not an IPv6 address",
                        "t.yaml:7:61: invalid external destination: 'fe80::g' is not an IPv6 address"),
                c("bad host name", spec("""
                          groups:
                            a: {}
                            x: {external: [api_example.com, -bad.example.com]}
                          expect: [{from: a, to: x, ports: [80], verdict: deny}]
                        """),
                        "t.yaml:7:20: invalid external destination: 'api_example.com' is neither a CIDR nor a host name (labels of letters, digits and '-')",
                        "t.yaml:7:37: invalid external destination: '-bad.example.com' is neither a CIDR nor a host name (labels of letters, digits and '-')"),
                c("empty external list", spec("""
                          groups:
                            a: {}
                            x: {external: []}
                          expect: [{from: a, to: x, ports: [80], verdict: deny}]
                        """),
                        "t.yaml:7:19: 'external' must list at least one CIDR or host name"),
                c("nothing to prove", spec("""
                          groups: {a: {}}
                        """),
                        "t.yaml:5:3: spec must have 'expect' rules or 'fromPolicies': nothing to prove"),
                c("defaultVerdict with fromPolicies", spec("""
                          defaultVerdict: deny
                          groups: {a: {}}
                          fromPolicies: {}
                        """),
                        "t.yaml:5:19: defaultVerdict and fromPolicies are exclusive (the policies decide the pairs no rule names)"),
                c("fromPolicies naming an unknown and an external group", spec("""
                          groups: {a: {}, x: {external: [example.com]}}
                          fromPolicies: {groups: [a, b, x], ports: [80]}
                        """),
                        "t.yaml:6:30: unknown group 'b' (did you mean 'a'?)",
                        "t.yaml:6:33: group 'x' is external and can only be a destination"),
                c("from as a list", rules("    - {from: [frontend], to: payments, ports: [80], verdict: allow}\n"),
                        "t.yaml:10:14: 'from' must be a string, got a list"),
                c("rule that is not a mapping", rules("    - frontend -> payments\n"),
                        "t.yaml:10:7: expect[0] must be a mapping, got string 'frontend -> payments'"),
                c("expect that is not a list", spec("  groups: {a: {}}\n  expect: {from: a, to: a, ports: [80], verdict: allow}\n"),
                        "t.yaml:6:11: 'expect' must be a list, got a mapping"),
                c("selector that is not a mapping", spec("  groups: {a: {podSelector: [app]}}\n  expect: [{from: a, to: a, ports: [80], verdict: allow}]\n"),
                        "t.yaml:5:29: 'podSelector' must be a mapping, got a list"),
                c("group without a body", spec("  groups:\n    a:\n  expect: [{from: a, to: a, ports: [80], verdict: allow}]\n"),
                        "t.yaml:6:7: group 'a' must be a mapping, got nothing (null)"),
                c("star in fromPolicies groups", spec("  groups: {a: {}}\n  fromPolicies: {groups: [\"*\"]}\n"),
                        "t.yaml:6:27: leave out 'groups' to mean every group, instead of '*'"),
                c("conflicting explicit rules", rules(ONE_RULE
                        + "    - {from: frontend, to: payments, ports: [\"9090/TCP\", 8443], verdict: deny}\n"),
                        "t.yaml:11:7: conflicting verdicts for frontend -> payments 8443/TCP: deny here, allow at t.yaml:10"),
                c("conflicting rules after star expansion", rules(
                        "    - {from: \"*\", to: payments, ports: [\"8443/TCP\"], verdict: deny}\n"
                        + "    - {from: frontend, to: \"*\", ports: [\"8443/TCP\"], verdict: allow}\n"),
                        "t.yaml:11:7: conflicting verdicts for frontend -> payments 8443/TCP: allow here, deny at t.yaml:10"),
                c("duplicate expectation name in one file", rules(ONE_RULE) + "---\n" + rules(ONE_RULE),
                        "t.yaml:14:18: duplicate expectation name 't' (first at t.yaml:3:18)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsEveryMistakeWithItsPosition(String name, String yaml, List<String> expected) {
        ReadResult result = new ExpectationReader().read("t.yaml", yaml);

        assertThat(result.problems()).map(Problem::toString).containsExactlyElementsOf(expected);
    }
}
