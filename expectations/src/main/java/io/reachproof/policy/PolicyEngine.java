package io.reachproof.policy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.protocol.Protocol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Policies + topology -> {@link TruthTable}. Validates everything first and returns every error of
 * the input at once (each {@code file:line:column: KIND NS/NAME: FIELD: message}); the table is only
 * built from a valid input.
 *
 * <p>Topology decisions: pods are named {@code ns/name} (namespace {@code default} when absent) and
 * sorted by that name, so results never depend on input order; a namespace's labels are those of its
 * Namespace object plus the implicit {@code kubernetes.io/metadata.name}, and a namespace without a
 * Namespace object has only the implicit label; a pod's addresses are {@code status.podIP} and
 * {@code status.podIPs} (a pod without one still takes part by labels, but no ipBlock matches it);
 * its ports are every {@code containerPort} of its containers (protocol TCP when absent).
 */
public final class PolicyEngine {

    /** The implicit label every namespace carries. */
    public static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    private PolicyEngine() {
    }

    /** The truth table, or the errors that prevent it. */
    public record Result(Optional<TruthTable> table, List<String> errors) {
        public Result {
            errors = List.copyOf(errors);
            if (table.isPresent() == !errors.isEmpty()) {
                throw new IllegalArgumentException("a result has a table or errors, not both");
            }
        }
    }

    /** Validates and compiles; {@code readErrors} (from reading the files) are reported with the rest. */
    public static Result compile(PolicyInput input, List<String> readErrors) {
        List<String> errors = new ArrayList<>(readErrors);
        List<CompiledPolicy> policies = new ArrayList<>();
        Map<String, String> policyIds = new HashMap<>();
        for (Located<NetworkPolicy> p : input.policies()) {
            Optional<CompiledPolicy> compiled = PolicyCompiler.compile(p, errors);
            if (compiled.isPresent()) {
                String first = policyIds.putIfAbsent(compiled.get().id(), p.positions().root().fileLine());
                if (first != null) {
                    errors.add(p.positions().root() + ": NetworkPolicy " + compiled.get().id()
                            + ": duplicate (first at " + first + ")");
                } else {
                    policies.add(compiled.get());
                }
            }
        }
        Map<String, Map<String, String>> namespaceLabels = namespaces(input.namespaces(), errors);
        List<TruthTable.PodInfo> pods = pods(input.pods(), errors);
        if (!errors.isEmpty()) {
            return new Result(Optional.empty(), errors);
        }
        policies.sort(Comparator.comparing(CompiledPolicy::namespace).thenComparing(CompiledPolicy::name));
        return new Result(Optional.of(new TruthTable(policies, namespaceLabels, pods)), List.of());
    }

    /** Like {@link #compile(PolicyInput, List)} with no read errors. */
    public static Result compile(PolicyInput input) {
        return compile(input, List.of());
    }

    private static Map<String, Map<String, String>> namespaces(List<Located<Namespace>> namespaces, List<String> errors) {
        Map<String, Map<String, String>> labels = new TreeMap<>();
        Map<String, String> firstAt = new HashMap<>();
        for (Located<Namespace> n : namespaces) {
            ObjectMeta meta = n.object().getMetadata();
            String name = meta == null ? null : meta.getName();
            if (name == null || name.isEmpty()) {
                errors.add(n.positions().root() + ": Namespace (no name): metadata.name is missing");
                continue;
            }
            String first = firstAt.putIfAbsent(name, n.positions().root().fileLine());
            if (first != null) {
                errors.add(n.positions().root() + ": Namespace " + name + ": duplicate (first at " + first + ")");
                continue;
            }
            int before = errors.size();
            KubernetesSyntax.labelName(name).ifPresent(m ->
                    errors.add(n.positions().of("metadata.name") + ": Namespace " + name + ": metadata.name: " + m));
            Optional<Map<String, String>> written = labels(meta, n.positions(), "Namespace " + name, errors);
            if (errors.size() > before) {
                continue;
            }
            if (written.isEmpty()) {
                continue;
            }
            Map<String, String> l = new HashMap<>(written.get());
            l.put(NAMESPACE_NAME_LABEL, name);
            labels.put(name, Map.copyOf(l));
        }
        return labels;
    }

    private static List<TruthTable.PodInfo> pods(List<Located<Pod>> pods, List<String> errors) {
        Map<PodRef, TruthTable.PodInfo> byRef = new TreeMap<>();
        Map<PodRef, String> firstAt = new HashMap<>();
        for (Located<Pod> located : pods) {
            Pod pod = located.object();
            ObjectMeta meta = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
            String namespace = PolicyCompiler.namespaceOf(meta);
            if (meta.getName() == null || meta.getName().isEmpty()) {
                errors.add(located.positions().root() + ": Pod " + namespace + "/(no name): metadata.name is missing");
                continue;
            }
            PodRef ref = new PodRef(namespace, meta.getName());
            String first = firstAt.putIfAbsent(ref, located.positions().root().fileLine());
            if (first != null) {
                errors.add(located.positions().root() + ": Pod " + ref + ": duplicate (first at " + first + ")");
                continue;
            }
            int before = errors.size();
            KubernetesSyntax.subdomainName(meta.getName()).ifPresent(m ->
                    errors.add(located.positions().of("metadata.name") + ": Pod " + ref + ": metadata.name: " + m));
            Optional<Map<String, String>> podLabels = labels(meta, located.positions(), "Pod " + ref, errors);
            List<PodPort> ports = ports(located, ref, errors);
            List<byte[]> ips = ips(located, ref, errors);
            if (errors.size() == before) {
                byRef.put(ref, new TruthTable.PodInfo(ref, Map.copyOf(podLabels.orElseThrow()), ips, ports));
            }
        }
        return new ArrayList<>(byRef.values());
    }

    /**
     * The labels of {@code meta} as an API server stores them: a label written without a value (YAML
     * {@code team:}, a null) is the empty string, as decoding it into Kubernetes' {@code map[string]string}
     * gives (and as selectors here read {@code matchLabels}). Keys and values are checked as the API server
     * checks them.
     */
    private static Optional<Map<String, String>> labels(ObjectMeta meta, Positions at, String what, List<String> errors) {
        if (meta.getLabels() == null) {
            return Optional.of(Map.of());
        }
        Map<String, String> labels = new HashMap<>();
        boolean ok = true;
        for (Map.Entry<String, String> e : meta.getLabels().entrySet()) {
            String path = "metadata.labels" + (e.getKey() == null || e.getKey().isEmpty() ? "" : "." + e.getKey());
            Optional<String> bad = KubernetesSyntax.labelKey(e.getKey()).or(() -> KubernetesSyntax.labelValue(e.getValue()));
            if (bad.isPresent()) {
                errors.add(at.of(path) + ": " + what + ": " + path + ": " + bad.get());
                ok = false;
            } else {
                labels.put(e.getKey(), e.getValue() == null ? "" : e.getValue());
            }
        }
        return ok ? Optional.of(labels) : Optional.empty();
    }

    private static List<byte[]> ips(Located<Pod> located, PodRef ref, List<String> errors) {
        Set<String> written = new LinkedHashSet<>();
        var status = located.object().getStatus();
        if (status != null) {
            if (status.getPodIP() != null && !status.getPodIP().isEmpty()) {
                written.add(status.getPodIP());
            }
            if (status.getPodIPs() != null) {
                for (PodIP ip : status.getPodIPs()) {
                    if (ip != null && ip.getIp() != null && !ip.getIp().isEmpty()) {
                        written.add(ip.getIp());
                    }
                }
            }
        }
        List<byte[]> ips = new ArrayList<>();
        for (String ip : written) {
            byte[] address = Cidr.parseAddress(ip);
            if (address == null) {
                errors.add(located.positions().of("status.podIP") + ": Pod " + ref + ": status.podIP: invalid IP address \"" + ip + "\"");
            } else {
                ips.add(address);
            }
        }
        return ips;
    }

    private static List<PodPort> ports(Located<Pod> located, PodRef ref, List<String> errors) {
        var spec = located.object().getSpec();
        if (spec == null || spec.getContainers() == null) {
            return List.of();
        }
        Map<String, Set<String>> names = new TreeMap<>();
        Set<PodPort> seen = new TreeSet<>();
        List<Container> containers = spec.getContainers();
        for (int c = 0; c < containers.size(); c++) {
            List<ContainerPort> ports = containers.get(c).getPorts();
            if (ports == null) {
                continue;
            }
            for (int i = 0; i < ports.size(); i++) {
                ContainerPort port = ports.get(i);
                String path = "spec.containers[" + c + "].ports[" + i + "]";
                Integer number = port.getContainerPort();
                String protocolName = port.getProtocol() == null ? "TCP" : port.getProtocol();
                Protocol protocol = switch (protocolName) {
                    case "TCP" -> Protocol.TCP;
                    case "UDP" -> Protocol.UDP;
                    case "SCTP" -> Protocol.SCTP;
                    default -> null;
                };
                if (number == null || number < 1 || number > 65535) {
                    errors.add(located.positions().of(path + ".containerPort") + ": Pod " + ref + ": " + path
                            + ".containerPort: " + (number == null ? "missing" : number + " is outside 1..65535"));
                    continue;
                }
                if (protocol == null) {
                    errors.add(located.positions().of(path + ".protocol") + ": Pod " + ref + ": " + path
                            + ".protocol: unknown protocol \"" + protocolName + "\" (expected TCP, UDP or SCTP)");
                    continue;
                }
                if (port.getName() != null && !port.getName().isEmpty()) {
                    Optional<String> badName = KubernetesSyntax.portName(port.getName());
                    if (badName.isPresent()) {
                        errors.add(located.positions().of(path + ".name") + ": Pod " + ref + ": " + path + ".name: "
                                + badName.get());
                        continue;
                    }
                }
                PodPort key = new PodPort(number, protocol, List.of());
                seen.add(key);
                Set<String> n = names.computeIfAbsent(key.label(), k -> new TreeSet<>());
                if (port.getName() != null && !port.getName().isEmpty()) {
                    n.add(port.getName());
                }
            }
        }
        List<PodPort> out = new ArrayList<>();
        for (PodPort p : seen) {
            out.add(new PodPort(p.port(), p.protocol(), List.copyOf(names.get(p.label()))));
        }
        return out;
    }
}
