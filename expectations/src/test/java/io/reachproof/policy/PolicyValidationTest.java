package io.reachproof.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyValidationTest {

    private static List<String> errorsOf(String yaml) {
        PolicyInputReader.Result read = PolicyInputReader.readString("bad.yaml", yaml);
        PolicyEngine.Result result = PolicyEngine.compile(read.input(), read.errors());
        assertThat(result.table()).isEmpty();
        return result.errors();
    }

    @Test
    void everyInvalidPortIsReportedWithFileLineAndPolicyName() {
        assertThat(errorsOf("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: bad-ports, namespace: x}
                spec:
                  podSelector: {}
                  ingress:
                  - ports:
                    - {port: serve-80-tcp, endPort: 90}
                    - {port: 80, endPort: 79}
                    - {port: 80, protocol: ICMP}
                    - {port: 0}
                    - {port: 80, endPort: 70000}
                    - {port: Not_A_Name}
                    - {endPort: 90}
                """)).containsExactly(
                "bad.yaml:8:37: NetworkPolicy x/bad-ports: spec.ingress[0].ports[0].endPort:"
                        + " endPort cannot be used with the named port \"serve-80-tcp\"",
                "bad.yaml:9:27: NetworkPolicy x/bad-ports: spec.ingress[0].ports[1].endPort: endPort 79 is below port 80",
                "bad.yaml:10:28: NetworkPolicy x/bad-ports: spec.ingress[0].ports[2].protocol:"
                        + " unknown protocol \"ICMP\" (expected TCP, UDP or SCTP)",
                "bad.yaml:11:14: NetworkPolicy x/bad-ports: spec.ingress[0].ports[3].port: port 0 is outside 1..65535",
                "bad.yaml:12:27: NetworkPolicy x/bad-ports: spec.ingress[0].ports[4].endPort: endPort 70000 is outside 1..65535",
                "bad.yaml:13:14: NetworkPolicy x/bad-ports: spec.ingress[0].ports[5].port: invalid named port \"Not_A_Name\""
                        + " (at most 15 lower-case letters, digits and '-', with at least one letter)",
                "bad.yaml:14:17: NetworkPolicy x/bad-ports: spec.ingress[0].ports[6].endPort: endPort needs a numeric port");
    }

    @Test
    void everyInvalidPeerSelectorAndTypeIsReportedInOnePass() {
        assertThat(errorsOf("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: bad-peers, namespace: x}
                spec:
                  podSelector: {matchExpressions: [{key: app, operator: Equals, values: [a]}]}
                  policyTypes: [Ingress, Both]
                  ingress:
                  - from:
                    - ipBlock: {cidr: 10.0.0.0/33}
                    - ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24, nonsense]}
                    - ipBlock: {cidr: 10.0.0.0/16}
                      podSelector: {}
                    - {}
                  egress:
                  - to:
                    - podSelector: {matchExpressions: [{key: app, operator: In}]}
                      namespaceSelector: {matchExpressions: [{key: team, operator: Exists, values: [a]}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: fine, namespace: x}
                spec: {podSelector: {}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: fine, namespace: x}
                spec: {podSelector: {}}
                """)).containsExactly(
                "bad.yaml:5:57: NetworkPolicy x/bad-peers: spec.podSelector.matchExpressions[0].operator:"
                        + " unknown operator \"Equals\" (expected In, NotIn, Exists or DoesNotExist)",
                "bad.yaml:6:26: NetworkPolicy x/bad-peers: spec.policyTypes[1]: unknown policy type \"Both\" (expected Ingress or Egress)",
                "bad.yaml:9:23: NetworkPolicy x/bad-peers: spec.ingress[0].from[0].ipBlock.cidr: invalid CIDR \"10.0.0.0/33\"",
                "bad.yaml:10:45: NetworkPolicy x/bad-peers: spec.ingress[0].from[1].ipBlock.except[0]:"
                        + " except 10.1.0.0/24 is not inside cidr 10.0.0.0/16",
                "bad.yaml:10:58: NetworkPolicy x/bad-peers: spec.ingress[0].from[1].ipBlock.except[1]: invalid CIDR \"nonsense\"",
                "bad.yaml:11:7: NetworkPolicy x/bad-peers: spec.ingress[0].from[2]:"
                        + " ipBlock cannot be combined with podSelector or namespaceSelector",
                "bad.yaml:13:7: NetworkPolicy x/bad-peers: spec.ingress[0].from[3]: a peer needs podSelector, namespaceSelector or ipBlock",
                "bad.yaml:16:40: NetworkPolicy x/bad-peers: spec.egress[0].to[0].podSelector.matchExpressions[0].values:"
                        + " operator In needs at least one value",
                "bad.yaml:17:84: NetworkPolicy x/bad-peers: spec.egress[0].to[0].namespaceSelector.matchExpressions[0].values:"
                        + " operator Exists takes no values",
                "bad.yaml:24:1: NetworkPolicy x/fine: duplicate (first at bad.yaml:19)");
    }

    @Test
    void invalidPodPortsAndAddressesAreErrorsToo() {
        assertThat(errorsOf("""
                apiVersion: v1
                kind: Pod
                metadata: {name: a, namespace: x}
                spec:
                  containers:
                  - name: c
                    ports:
                    - {containerPort: 80, protocol: ICMP}
                    - {containerPort: 0}
                status: {podIP: 10.0.0.300}
                """)).containsExactly(
                "bad.yaml:8:37: Pod x/a: spec.containers[0].ports[0].protocol: unknown protocol \"ICMP\" (expected TCP, UDP or SCTP)",
                "bad.yaml:9:23: Pod x/a: spec.containers[0].ports[1].containerPort: 0 is outside 1..65535",
                "bad.yaml:10:17: Pod x/a: status.podIP: invalid IP address \"10.0.0.300\"");
    }

    @Test
    void aLabelWrittenWithoutAValueIsTheEmptyStringAsAnApiServerStoresIt() {
        // found by PolicyReaderFuzzTest: Map.copyOf of labels with a null value threw (an internal error)
        PolicyInputReader.Result read = PolicyInputReader.readString("ns.yaml", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {team: }}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: a, namespace: shop, labels: {tier: }}
                spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
                status: {podIP: 10.0.0.1}
                """);

        PolicyEngine.Result result = PolicyEngine.compile(read.input(), read.errors());

        assertThat(result.errors()).isEmpty();
        assertThat(result.table()).isPresent();
    }

    @Test
    void labelKeysValuesAndSelectorsTheApiServerWouldRejectAreErrorsAtTheirPlace() {
        assertThat(errorsOf("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: Bad_Name, namespace: x, labels: {team: "-a"}}
                spec:
                  podSelector: {matchLabels: {"app@b": x, tier: "$x"}}
                  ingress:
                  - from:
                    - namespaceSelector:
                        matchExpressions:
                        - {key: "Example.com/team", operator: In, values: [a]}
                        - {key: env, operator: NotIn, values: [prod, "b c"]}
                        - {key: "a/b/c", operator: Exists}
                      podSelector: {matchLabels: {"example.com/": a, "%s": b}}
                    - ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.0/16]}
                """.formatted("n".repeat(64)))).containsExactly(
                "bad.yaml:3:18: NetworkPolicy x/Bad_Name: metadata.name: invalid name \"Bad_Name\": at most 253"
                        + " lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
                "bad.yaml:3:57: NetworkPolicy x/Bad_Name: metadata.labels.team: invalid label value \"-a\": at most 63"
                        + " letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)",
                "bad.yaml:5:40: NetworkPolicy x/Bad_Name: spec.podSelector.matchLabels.app@b: invalid label key \"app@b\":"
                        + " the name part must consist of letters, digits, '-', '_' or '.', starting and ending with a"
                        + " letter or digit",
                "bad.yaml:5:49: NetworkPolicy x/Bad_Name: spec.podSelector.matchLabels.tier: invalid label value \"$x\":"
                        + " at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)",
                "bad.yaml:13:51: NetworkPolicy x/Bad_Name: spec.ingress[0].from[0].podSelector.matchLabels.example.com/:"
                        + " invalid label key \"example.com/\": the name part must not be empty",
                "bad.yaml:13:%d: NetworkPolicy x/Bad_Name: spec.ingress[0].from[0].podSelector.matchLabels.%s:".formatted(
                        122, "n".repeat(64))
                        + " invalid label key \"%s\": the name part must be at most 63 characters".formatted("n".repeat(64)),
                "bad.yaml:10:17: NetworkPolicy x/Bad_Name: spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].key:"
                        + " invalid label key \"Example.com/team\": the prefix must be a DNS subdomain (lower-case letters,"
                        + " digits, '-' and '.', starting and ending with a letter or digit)",
                "bad.yaml:11:54: NetworkPolicy x/Bad_Name: spec.ingress[0].from[0].namespaceSelector.matchExpressions[1]"
                        + ".values[1]: invalid label value \"b c\": at most 63 letters, digits, '-', '_' or '.', starting and"
                        + " ending with a letter or digit (or empty)",
                "bad.yaml:12:17: NetworkPolicy x/Bad_Name: spec.ingress[0].from[0].namespaceSelector.matchExpressions[2].key:"
                        + " invalid label key \"a/b/c\": a label key has at most one '/'",
                "bad.yaml:14:45: NetworkPolicy x/Bad_Name: spec.ingress[0].from[1].ipBlock.except[0]:"
                        + " except 10.0.0.0/16 must be smaller than cidr 10.0.0.0/16 (a strict subset)");
    }

    @Test
    void topologyLabelsNamesAndPortNamesTheApiServerWouldRejectAreErrors() {
        assertThat(errorsOf("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: Shop, labels: {"team/": a}}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  namespace: shop
                  labels: {app: "web server"}
                spec:
                  containers:
                  - name: c
                    ports: [{containerPort: 80, name: HTTP}]
                """)).containsExactly(
                "bad.yaml:3:18: Namespace Shop: metadata.name: invalid name \"Shop\": at most 63 lower-case letters,"
                        + " digits and '-', starting and ending with a letter or digit",
                "bad.yaml:3:42: Namespace Shop: metadata.labels.team/: invalid label key \"team/\": the name part must"
                        + " not be empty",
                "bad.yaml:10:17: Pod shop/web: metadata.labels.app: invalid label value \"web server\": at most 63 letters,"
                        + " digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)",
                "bad.yaml:14:39: Pod shop/web: spec.containers[0].ports[0].name: invalid named port \"HTTP\" (at most 15"
                        + " lower-case letters, digits and '-', with at least one letter)");
    }
}
