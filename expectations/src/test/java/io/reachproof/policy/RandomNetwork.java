package io.reachproof.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random but reproducible networks (one seed, one network): namespaces {@code ns0..}, labelled with a
 * team; pods labelled with app and tier, declaring some of a few ports (some named), most with an IP;
 * policies mixing every peer, port and policyTypes form. The last namespace, {@code quiet}, never holds a
 * policy. Used by the property tests and the benchmark.
 */
final class RandomNetwork {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] APPS = {"web", "api", "db", "cache", "queue", "auth", "search", "mail"};
    private static final String[] TIERS = {"front", "back", "data"};
    private static final String[] TEAMS = {"red", "blue", "green"};

    /** The objects, as the engine and the naive evaluator read them. */
    record Network(List<NetworkPolicy> policies, List<Namespace> namespaces, List<Pod> pods) {

        PolicyInput input() {
            return PolicyInput.inCode(policies, namespaces, pods, "generated");
        }

        TruthTable table() {
            PolicyEngine.Result result = PolicyEngine.compile(input());
            if (!result.errors().isEmpty()) {
                throw new IllegalStateException(String.join("\n", result.errors()));
            }
            return result.table().orElseThrow();
        }

        NaivePolicyEvaluator naive() {
            return new NaivePolicyEvaluator(policies, namespaces, pods);
        }

        @Override
        public String toString() {
            try {
                return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("policies", policies, "pods", pods));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final Random random;
    private final int namespaces;

    private RandomNetwork(long seed, int namespaces) {
        this.random = new Random(seed);
        this.namespaces = namespaces;
    }

    /** A small network for property tests: 2-3 namespaces plus quiet, 1-3 pods each, 0-6 policies. */
    static Network small(long seed) {
        RandomNetwork g = new RandomNetwork(seed, 2 + new Random(seed).nextInt(2));
        return g.build(1 + g.random.nextInt(3), g.random.nextInt(7), new int[] {80, 81, 53, 9000}, true);
    }

    /** A large network for the benchmark: {@code pods} pods over {@code namespaces} namespaces, 2 ports each. */
    static Network large(long seed, int namespaces, int pods, int policies) {
        return new RandomNetwork(seed, namespaces - 1).build(pods / namespaces, policies, new int[] {8080, 9090}, false);
    }

    private Network build(int podsPerNamespace, int policyCount, int[] portPool, boolean randomPorts) {
        List<Namespace> nsList = new ArrayList<>();
        List<Pod> pods = new ArrayList<>();
        for (int n = 0; n <= namespaces; n++) {
            String ns = n == namespaces ? "quiet" : "ns" + n;
            Map<String, Object> labels = new LinkedHashMap<>();
            if (random.nextInt(4) > 0) {
                labels.put("team", TEAMS[random.nextInt(TEAMS.length)]);
            }
            nsList.add(MAPPER.convertValue(Map.of("apiVersion", "v1", "kind", "Namespace",
                    "metadata", Map.of("name", ns, "labels", labels)), Namespace.class));
            for (int p = 0; p < podsPerNamespace; p++) {
                pods.add(pod(ns, n, p, portPool, randomPorts));
            }
        }
        List<NetworkPolicy> policies = new ArrayList<>();
        for (int i = 0; i < policyCount; i++) {
            policies.add(policy("p" + i, "ns" + random.nextInt(namespaces), portPool));
        }
        return new Network(policies, nsList, pods);
    }

    private Pod pod(String ns, int n, int p, int[] portPool, boolean randomPorts) {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("app", APPS[random.nextInt(Math.min(APPS.length, 3 + namespaces))]);
        if (random.nextInt(3) > 0) {
            labels.put("tier", TIERS[random.nextInt(TIERS.length)]);
        }
        List<Map<String, Object>> ports = new ArrayList<>();
        for (int port : portPool) {
            if (randomPorts && random.nextInt(2) == 0) {
                continue;
            }
            Map<String, Object> cp = new LinkedHashMap<>();
            cp.put("containerPort", port);
            cp.put("protocol", port == 53 ? "UDP" : port == 9000 ? "SCTP" : "TCP");
            if (port != 81 || random.nextBoolean()) {
                cp.put("name", "p" + port);
            }
            ports.add(cp);
        }
        if (ports.isEmpty()) {
            ports.add(Map.of("containerPort", portPool[0], "name", "p" + portPool[0]));
        }
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        pod.put("metadata", Map.of("name", "pod" + p, "namespace", ns, "labels", labels));
        pod.put("spec", Map.of("containers", List.of(Map.of("name", "c", "ports", ports))));
        if (random.nextInt(6) > 0) {
            pod.put("status", Map.of("podIP", "10." + n + "." + (p / 250) + "." + (p % 250 + 1)));
        }
        return MAPPER.convertValue(pod, Pod.class);
    }

    private NetworkPolicy policy(String name, String ns, int[] portPool) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("podSelector", selector(false));
        int types = random.nextInt(4);
        if (types == 1) {
            spec.put("policyTypes", List.of("Ingress"));
        } else if (types == 2) {
            spec.put("policyTypes", List.of("Egress"));
        } else if (types == 3) {
            spec.put("policyTypes", List.of("Ingress", "Egress"));
        }
        for (String direction : List.of("ingress", "egress")) {
            int rules = random.nextInt(4) - 1;
            if (rules < 0) {
                continue;
            }
            List<Object> list = new ArrayList<>();
            for (int r = 0; r < rules; r++) {
                list.add(rule(direction, portPool));
            }
            spec.put(direction, list);
        }
        return MAPPER.convertValue(Map.of("apiVersion", "networking.k8s.io/v1", "kind", "NetworkPolicy",
                "metadata", Map.of("name", name, "namespace", ns), "spec", spec), NetworkPolicy.class);
    }

    /** A random rule for {@code ingress} or {@code egress}. */
    Map<String, Object> rule(String direction, int[] portPool) {
        Map<String, Object> rule = new LinkedHashMap<>();
        int peers = random.nextInt(4) - 1;
        if (peers >= 0) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
                list.add(peer());
            }
            rule.put(direction.equals("ingress") ? "from" : "to", list);
        }
        int ports = random.nextInt(4) - 1;
        if (ports >= 0) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < ports; i++) {
                list.add(port(portPool));
            }
            rule.put("ports", list);
        }
        return rule;
    }

    private Map<String, Object> peer() {
        Map<String, Object> peer = new LinkedHashMap<>();
        switch (random.nextInt(4)) {
            case 0 -> peer.put("podSelector", selector(true));
            case 1 -> peer.put("namespaceSelector", namespaceSelector());
            case 2 -> {
                peer.put("podSelector", selector(true));
                peer.put("namespaceSelector", namespaceSelector());
            }
            default -> {
                int n = random.nextInt(namespaces + 1);
                Map<String, Object> block = new LinkedHashMap<>();
                block.put("cidr", "10." + n + ".0.0/16");
                if (random.nextBoolean()) {
                    block.put("except", List.of("10." + n + ".0.0/30"));
                }
                peer.put("ipBlock", block);
            }
        }
        return peer;
    }

    private Map<String, Object> port(int[] portPool) {
        int port = portPool[random.nextInt(portPool.length)];
        String protocol = port == 53 ? "UDP" : port == 9000 ? "SCTP" : "TCP";
        Map<String, Object> p = new LinkedHashMap<>();
        switch (random.nextInt(5)) {
            case 0 -> p.put("port", port);
            case 1 -> p.put("port", "p" + port);
            case 2 -> {
                p.put("port", Math.min(port, 80));
                p.put("endPort", port + 1);
            }
            case 3 -> { }
            default -> p.put("port", port);
        }
        if (random.nextInt(4) > 0 || !"TCP".equals(protocol)) {
            p.put("protocol", random.nextInt(8) == 0 ? "UDP" : protocol);
        }
        return p;
    }

    private Map<String, Object> selector(boolean forPeer) {
        return switch (random.nextInt(forPeer ? 4 : 5)) {
            case 0 -> Map.of();
            case 1, 4 -> Map.of("matchLabels", Map.of("app", APPS[random.nextInt(Math.min(APPS.length, 3 + namespaces))]));
            case 2 -> Map.of("matchExpressions", List.of(Map.of("key", "tier", "operator", random.nextBoolean() ? "In" : "NotIn",
                    "values", List.of(TIERS[random.nextInt(TIERS.length)]))));
            default -> Map.of("matchExpressions", List.of(Map.of("key", "tier",
                    "operator", random.nextBoolean() ? "Exists" : "DoesNotExist")));
        };
    }

    private Map<String, Object> namespaceSelector() {
        return switch (random.nextInt(3)) {
            case 0 -> Map.of();
            case 1 -> Map.of("matchLabels", Map.of("team", TEAMS[random.nextInt(TEAMS.length)]));
            default -> Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "ns" + random.nextInt(namespaces)));
        };
    }

    /** A random rule for the given direction, from a generator seeded with {@code seed}. */
    static Map<String, Object> randomRule(long seed, String direction) {
        return new RandomNetwork(seed, 3).rule(direction, new int[] {80, 81, 53, 9000});
    }
}
