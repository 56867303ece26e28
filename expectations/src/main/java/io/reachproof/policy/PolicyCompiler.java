package io.reachproof.policy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import io.reachproof.expectations.LabelSelector;
import io.reachproof.protocol.Protocol;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validates one NetworkPolicy and turns it into a {@link CompiledPolicy}. Every problem becomes an
 * error line {@code file:line:column: NetworkPolicy NS/NAME: FIELD: message}; all problems of a policy
 * are reported, not only the first.
 */
final class PolicyCompiler {

    private final Located<NetworkPolicy> located;
    private final List<String> errors;
    private final String label;
    private int errorCount;

    private PolicyCompiler(Located<NetworkPolicy> located, List<String> errors, String label) {
        this.located = located;
        this.errors = errors;
        this.label = label;
    }

    /** The compiled policy, or empty after adding its errors to {@code errors}. */
    static Optional<CompiledPolicy> compile(Located<NetworkPolicy> located, List<String> errors) {
        NetworkPolicy policy = located.object();
        ObjectMeta meta = policy.getMetadata() == null ? new ObjectMeta() : policy.getMetadata();
        String namespace = namespaceOf(meta);
        String name = meta.getName();
        PolicyCompiler c = new PolicyCompiler(located, errors, label(policy));
        if (name == null || name.isEmpty()) {
            c.error("metadata", "metadata.name is missing");
        } else {
            KubernetesSyntax.subdomainName(name).ifPresent(m -> c.error("metadata.name", m));
        }
        if (meta.getNamespace() != null && !meta.getNamespace().isEmpty()) {
            KubernetesSyntax.labelName(meta.getNamespace()).ifPresent(m -> c.error("metadata.namespace", m));
        }
        c.labels(meta.getLabels(), "metadata.labels");
        return c.compile(namespace, name, policy.getSpec() == null ? new NetworkPolicySpec() : policy.getSpec());
    }

    /** The policy's own labels, checked as the API server checks them. */
    private void labels(Map<String, String> labels, String path) {
        if (labels == null) {
            return;
        }
        labels.forEach((key, value) -> {
            String at = path + "." + key;
            KubernetesSyntax.labelKey(key).ifPresent(m -> error(at, m));
            KubernetesSyntax.labelValue(value).ifPresent(m -> error(at, m));
        });
    }

    /** How errors name {@code policy}: {@code NetworkPolicy ns/name} (namespace {@code default} when absent). */
    static String label(NetworkPolicy policy) {
        ObjectMeta meta = policy.getMetadata() == null ? new ObjectMeta() : policy.getMetadata();
        return "NetworkPolicy " + namespaceOf(meta) + "/" + (meta.getName() == null ? "(no name)" : meta.getName());
    }

    static String namespaceOf(ObjectMeta meta) {
        String ns = meta.getNamespace();
        return ns == null || ns.isEmpty() ? "default" : ns;
    }

    private Optional<CompiledPolicy> compile(String namespace, String name, NetworkPolicySpec spec) {
        LabelSelector podSelector = selector(spec.getPodSelector(), "spec.podSelector");
        Set<Direction> types = types(spec);
        List<CompiledPolicy.Rule> ingress = new ArrayList<>();
        List<CompiledPolicy.Rule> egress = new ArrayList<>();
        if (spec.getIngress() != null) {
            for (int i = 0; i < spec.getIngress().size(); i++) {
                var rule = spec.getIngress().get(i);
                ingress.add(rule(Direction.INGRESS, i, rule == null ? null : rule.getFrom(),
                        rule == null ? null : rule.getPorts()));
            }
        }
        if (spec.getEgress() != null) {
            for (int i = 0; i < spec.getEgress().size(); i++) {
                var rule = spec.getEgress().get(i);
                egress.add(rule(Direction.EGRESS, i, rule == null ? null : rule.getTo(),
                        rule == null ? null : rule.getPorts()));
            }
        }
        if (errorCount > 0) {
            return Optional.empty();
        }
        return Optional.of(new CompiledPolicy(namespace, name, located.positions().root(),
                podSelector == null ? LabelSelector.EVERYTHING : podSelector, types, ingress, egress));
    }

    /** {@code policyTypes} as written, or the default: Ingress, plus Egress when there are egress rules. */
    private Set<Direction> types(NetworkPolicySpec spec) {
        List<String> written = spec.getPolicyTypes();
        Set<Direction> types = EnumSet.noneOf(Direction.class);
        if (written == null || written.isEmpty()) {
            types.add(Direction.INGRESS);
            if (spec.getEgress() != null && !spec.getEgress().isEmpty()) {
                types.add(Direction.EGRESS);
            }
            return types;
        }
        for (int i = 0; i < written.size(); i++) {
            String t = written.get(i);
            if (Direction.INGRESS.policyType().equals(t)) {
                types.add(Direction.INGRESS);
            } else if (Direction.EGRESS.policyType().equals(t)) {
                types.add(Direction.EGRESS);
            } else {
                error("spec.policyTypes[" + i + "]", "unknown policy type " + quote(t) + " (expected Ingress or Egress)");
            }
        }
        return types;
    }

    private CompiledPolicy.Rule rule(Direction direction, int index, List<NetworkPolicyPeer> peers,
            List<NetworkPolicyPort> ports) {
        String path = "spec." + direction.field() + "[" + index + "]";
        String peerField = direction == Direction.INGRESS ? "from" : "to";
        List<CompiledPolicy.Peer> compiledPeers = new ArrayList<>();
        if (peers != null) {
            for (int i = 0; i < peers.size(); i++) {
                CompiledPolicy.Peer peer = peer(peers.get(i), path + "." + peerField + "[" + i + "]");
                if (peer != null) {
                    compiledPeers.add(peer);
                }
            }
        }
        List<CompiledPolicy.PortMatch> compiledPorts = new ArrayList<>();
        if (ports != null) {
            for (int i = 0; i < ports.size(); i++) {
                CompiledPolicy.PortMatch port = port(ports.get(i), path + ".ports[" + i + "]");
                if (port != null) {
                    compiledPorts.add(port);
                }
            }
        }
        return new CompiledPolicy.Rule(direction, index, located.positions().of(path), compiledPeers, compiledPorts);
    }

    private CompiledPolicy.Peer peer(NetworkPolicyPeer peer, String path) {
        if (peer == null || (peer.getIpBlock() == null && peer.getPodSelector() == null
                && peer.getNamespaceSelector() == null)) {
            error(path, "a peer needs podSelector, namespaceSelector or ipBlock");
            return null;
        }
        if (peer.getIpBlock() != null) {
            if (peer.getPodSelector() != null || peer.getNamespaceSelector() != null) {
                error(path, "ipBlock cannot be combined with podSelector or namespaceSelector");
                return null;
            }
            return ipBlock(peer.getIpBlock(), path + ".ipBlock");
        }
        LabelSelector pods = selector(peer.getPodSelector(), path + ".podSelector");
        LabelSelector namespaces = selector(peer.getNamespaceSelector(), path + ".namespaceSelector");
        if ((peer.getPodSelector() != null && pods == null)
                || (peer.getNamespaceSelector() != null && namespaces == null)) {
            return null;
        }
        return new CompiledPolicy.Selectors(pods, namespaces);
    }

    private CompiledPolicy.IpBlock ipBlock(IPBlock block, String path) {
        Optional<Cidr> cidr = Cidr.parse(block.getCidr());
        if (cidr.isEmpty()) {
            error(path + ".cidr", "invalid CIDR " + quote(block.getCidr()));
            return null;
        }
        List<Cidr> except = new ArrayList<>();
        List<String> written = block.getExcept() == null ? List.of() : block.getExcept();
        for (int i = 0; i < written.size(); i++) {
            String at = path + ".except[" + i + "]";
            Optional<Cidr> e = Cidr.parse(written.get(i));
            if (e.isEmpty()) {
                error(at, "invalid CIDR " + quote(written.get(i)));
            } else if (!cidr.get().contains(e.get())) {
                error(at, "except " + e.get() + " is not inside cidr " + cidr.get());
            } else if (e.get().prefix() == cidr.get().prefix()) {
                error(at, "except " + e.get() + " must be smaller than cidr " + cidr.get() + " (a strict subset)");
            } else {
                except.add(e.get());
            }
        }
        return except.size() == written.size() ? new CompiledPolicy.IpBlock(cidr.get(), except) : null;
    }

    private CompiledPolicy.PortMatch port(NetworkPolicyPort port, String path) {
        if (port == null) {
            return new CompiledPolicy.PortMatch(Protocol.TCP, 0, 0, null);
        }
        Protocol protocol = protocol(port.getProtocol(), path + ".protocol");
        IntOrString value = port.getPort();
        Integer endPort = port.getEndPort();
        if (value == null || (value.getIntVal() == null && value.getStrVal() == null)) {
            if (endPort != null) {
                error(path + ".endPort", "endPort needs a numeric port");
                return null;
            }
            return protocol == null ? null : new CompiledPolicy.PortMatch(protocol, 0, 0, null);
        }
        if (value.getStrVal() != null) {
            String name = value.getStrVal();
            boolean ok = true;
            Optional<String> badName = KubernetesSyntax.portName(name);
            if (badName.isPresent()) {
                error(path + ".port", badName.get());
                ok = false;
            }
            if (endPort != null) {
                error(path + ".endPort", "endPort cannot be used with the named port " + quote(name));
                ok = false;
            }
            return ok && protocol != null ? new CompiledPolicy.PortMatch(protocol, 0, 0, name) : null;
        }
        int number = value.getIntVal();
        boolean ok = true;
        if (number < 1 || number > 65535) {
            error(path + ".port", "port " + number + " is outside 1..65535");
            ok = false;
        }
        int end = number;
        if (endPort != null) {
            end = endPort;
            if (end > 65535) {
                error(path + ".endPort", "endPort " + end + " is outside 1..65535");
                ok = false;
            } else if (end < number) {
                error(path + ".endPort", "endPort " + end + " is below port " + number);
                ok = false;
            }
        }
        return ok && protocol != null ? new CompiledPolicy.PortMatch(protocol, number, end, null) : null;
    }

    private Protocol protocol(String written, String path) {
        if (written == null) {
            return Protocol.TCP;
        }
        return switch (written) {
            case "TCP" -> Protocol.TCP;
            case "UDP" -> Protocol.UDP;
            case "SCTP" -> Protocol.SCTP;
            default -> {
                error(path, "unknown protocol " + quote(written) + " (expected TCP, UDP or SCTP)");
                yield null;
            }
        };
    }

    /** The selector, or null when absent or invalid (invalid ones add errors). */
    private LabelSelector selector(io.fabric8.kubernetes.api.model.LabelSelector selector, String path) {
        if (selector == null) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        int before = errorCount;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                String at = path + ".matchLabels" + (e.getKey() == null || e.getKey().isEmpty() ? "" : "." + e.getKey());
                Optional<String> badKey = KubernetesSyntax.labelKey(e.getKey());
                Optional<String> badValue = KubernetesSyntax.labelValue(e.getValue());
                badKey.ifPresent(m -> error(at, m));
                badValue.ifPresent(m -> error(at, m));
                if (badKey.isEmpty() && badValue.isEmpty()) {
                    labels.put(e.getKey(), e.getValue() == null ? "" : e.getValue());
                }
            }
        }
        List<LabelSelector.Requirement> requirements = new ArrayList<>();
        List<LabelSelectorRequirement> written =
                selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
        for (int i = 0; i < written.size(); i++) {
            LabelSelector.Requirement r = requirement(written.get(i), path + ".matchExpressions[" + i + "]");
            if (r != null) {
                requirements.add(r);
            }
        }
        return errorCount > before ? null : new LabelSelector(labels, requirements);
    }

    private LabelSelector.Requirement requirement(LabelSelectorRequirement r, String path) {
        if (r == null || r.getKey() == null || r.getKey().isEmpty()) {
            error(path, "a matchExpressions entry needs a key");
            return null;
        }
        LabelSelector.Operator operator;
        try {
            operator = LabelSelector.Operator.valueOf(String.valueOf(r.getOperator()));
        } catch (IllegalArgumentException e) {
            error(path + ".operator", "unknown operator " + quote(r.getOperator())
                    + " (expected In, NotIn, Exists or DoesNotExist)");
            return null;
        }
        Optional<String> badKey = KubernetesSyntax.labelKey(r.getKey());
        if (badKey.isPresent()) {
            error(path + ".key", badKey.get());
            return null;
        }
        List<String> writtenValues = r.getValues() == null ? List.of() : r.getValues();
        boolean badValues = false;
        for (int i = 0; i < writtenValues.size(); i++) {
            Optional<String> bad = KubernetesSyntax.labelValue(writtenValues.get(i));
            if (bad.isPresent()) {
                error(path + ".values[" + i + "]", bad.get());
                badValues = true;
            }
        }
        if (badValues) {
            return null;
        }
        Set<String> values = new HashSet<>(writtenValues);
        boolean needsValues = operator == LabelSelector.Operator.In || operator == LabelSelector.Operator.NotIn;
        if (needsValues && values.isEmpty()) {
            error(path + ".values", "operator " + operator + " needs at least one value");
            return null;
        }
        if (!needsValues && !values.isEmpty()) {
            error(path + ".values", "operator " + operator + " takes no values");
            return null;
        }
        return new LabelSelector.Requirement(r.getKey(), operator, values);
    }

    private void error(String path, String message) {
        errorCount++;
        errors.add(located.positions().of(path) + ": " + label + ": " + path + ": " + message);
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
