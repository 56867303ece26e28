package io.reachproof.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.protocol.Protocol;
import java.util.ArrayList;
import java.util.List;

/**
 * The upstream Kubernetes e2e netpol model: namespaces x, y, z (label {@code ns=<name>}), pods a, b, c
 * in each (label {@code pod=<name>}, IP {@code 10.0.<ns>.<pod>} with x=1, y=2, z=3 and a=1, b=2, c=3),
 * one container per port and protocol: 80 and 81 on TCP, UDP and SCTP, named {@code serve-80-tcp} etc.
 * Written as a {@code kubectl get ns,pods -A -o yaml} dump.
 */
final class E2eModel {

    static final List<String> NAMESPACES = List.of("x", "y", "z");
    static final List<String> PODS = List.of("a", "b", "c");
    static final List<Integer> PORTS = List.of(80, 81);
    static final List<Protocol> PROTOCOLS = List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP);

    private E2eModel() {
    }

    /** The topology dump: a v1 List of Namespaces and Pods. */
    static String topologyYaml() {
        return topologyYaml(NAMESPACES, true);
    }

    /** The dump with Namespace objects only for {@code withObjects}, and pod IPs or not. */
    static String topologyYaml(List<String> withObjects, boolean withIps) {
        StringBuilder y = new StringBuilder("apiVersion: v1\nkind: List\nitems:\n");
        for (String ns : withObjects) {
            y.append("- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: ").append(ns)
                    .append("\n    labels:\n      ns: ").append(ns)
                    .append("\n      kubernetes.io/metadata.name: ").append(ns).append('\n');
        }
        for (int n = 0; n < NAMESPACES.size(); n++) {
            for (int p = 0; p < PODS.size(); p++) {
                String ns = NAMESPACES.get(n);
                String pod = PODS.get(p);
                y.append("- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: ").append(pod)
                        .append("\n    namespace: ").append(ns)
                        .append("\n    labels:\n      pod: ").append(pod)
                        .append("\n  spec:\n    containers:\n");
                for (int port : PORTS) {
                    for (Protocol protocol : PROTOCOLS) {
                        String lower = protocol.name().toLowerCase(java.util.Locale.ROOT);
                        y.append("    - name: cont-").append(port).append('-').append(lower)
                                .append("\n      image: registry.k8s.io/e2e-test-images/agnhost:2.43")
                                .append("\n      ports:\n      - containerPort: ").append(port)
                                .append("\n        name: serve-").append(port).append('-').append(lower)
                                .append("\n        protocol: ").append(protocol).append('\n');
                    }
                }
                if (withIps) {
                    y.append("  status:\n    phase: Running\n    podIP: 10.0.").append(n + 1).append('.').append(p + 1)
                            .append("\n    podIPs:\n    - ip: 10.0.").append(n + 1).append('.').append(p + 1).append('\n');
                }
            }
        }
        return y.toString();
    }

    /** Reads the topology and the policies and builds the table; fails the test on any error. */
    static TruthTable table(String policiesYaml) {
        return table(policiesYaml, topologyYaml());
    }

    static TruthTable table(String policiesYaml, String topologyYaml) {
        PolicyInputReader.Result policies = PolicyInputReader.readString("policies.yaml", policiesYaml);
        PolicyInputReader.Result topology = PolicyInputReader.readString("topology.yaml", topologyYaml);
        List<String> errors = new ArrayList<>(policies.errors());
        errors.addAll(topology.errors());
        PolicyInput input = new PolicyInput(policies.input().policies(), topology.input().namespaces(),
                topology.input().pods(), List.of());
        PolicyEngine.Result result = PolicyEngine.compile(input, errors);
        assertThat(result.errors()).isEmpty();
        return result.table().orElseThrow();
    }
}
