package io.reachproof.policy;

import static java.util.Objects.requireNonNull;

import io.reachproof.expectations.LabelSelector;
import io.reachproof.protocol.Protocol;
import io.reachproof.yaml.SourceRef;
import java.util.List;
import java.util.Set;

/**
 * A validated NetworkPolicy in the engine's terms: which pods of its namespace it selects, which
 * directions it isolates (after {@code policyTypes} defaulting) and its rules.
 */
public record CompiledPolicy(
        String namespace,
        String name,
        SourceRef at,
        LabelSelector podSelector,
        Set<Direction> types,
        List<Rule> ingress,
        List<Rule> egress) {

    public CompiledPolicy {
        requireNonNull(namespace, "namespace");
        requireNonNull(name, "name");
        requireNonNull(at, "at");
        requireNonNull(podSelector, "podSelector");
        types = Set.copyOf(types);
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
    }

    /** {@code namespace/name}. */
    public String id() {
        return namespace + "/" + name;
    }

    /** The rules of one direction. */
    public List<Rule> rules(Direction direction) {
        return direction == Direction.INGRESS ? ingress : egress;
    }

    /**
     * One ingress or egress rule: {@code index} in its list, written at {@code at}. No peers means every
     * peer; no ports means every port.
     */
    public record Rule(Direction direction, int index, SourceRef at, List<Peer> peers, List<PortMatch> ports) {

        public Rule {
            requireNonNull(direction, "direction");
            requireNonNull(at, "at");
            peers = List.copyOf(peers);
            ports = List.copyOf(ports);
        }

        /** Whether this rule's ports admit the destination pod's port. */
        public boolean admits(PodPort port) {
            if (ports.isEmpty()) {
                return true;
            }
            for (PortMatch m : ports) {
                if (m.matches(port)) {
                    return true;
                }
            }
            return false;
        }

        /** {@code spec.ingress[0]}. */
        public String path() {
            return "spec." + direction.field() + "[" + index + "]";
        }
    }

    /** A peer of a rule: pods chosen by selectors, or addresses in an IP block. */
    public sealed interface Peer permits Selectors, IpBlock {
    }

    /**
     * {@code podSelector} and/or {@code namespaceSelector} (null when absent): podSelector alone means
     * the policy's own namespace; both must hold when both are given.
     */
    public record Selectors(LabelSelector podSelector, LabelSelector namespaceSelector) implements Peer {
        public Selectors {
            if (podSelector == null && namespaceSelector == null) {
                throw new IllegalArgumentException("a selector peer needs podSelector or namespaceSelector");
            }
        }
    }

    /** Addresses in {@code cidr} but in none of {@code except}. */
    public record IpBlock(Cidr cidr, List<Cidr> except) implements Peer {
        public IpBlock {
            requireNonNull(cidr, "cidr");
            except = List.copyOf(except);
        }

        public boolean contains(byte[] address) {
            if (!cidr.contains(address)) {
                return false;
            }
            for (Cidr e : except) {
                if (e.contains(address)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * A port of a rule: a protocol with every port ({@code port == 0}), a range {@code port..endPort}
     * (a single port has {@code endPort == port}), or a named port ({@code name != null}).
     */
    public record PortMatch(Protocol protocol, int port, int endPort, String name) {

        public PortMatch {
            requireNonNull(protocol, "protocol");
        }

        public boolean matches(PodPort p) {
            if (p.protocol() != protocol) {
                return false;
            }
            if (name != null) {
                return p.names().contains(name);
            }
            return port == 0 || (p.port() >= port && p.port() <= endPort);
        }
    }
}
