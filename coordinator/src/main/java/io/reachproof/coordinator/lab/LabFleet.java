package io.reachproof.coordinator.lab;

import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Responder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lab fleet convention: agent {@code i} (0-based) sits in cluster {@code CLUSTERS[i % 3]} with the role
 * {@code ROLES[(i / 3) % 3]} on its own loopback address, answering 7001/TCP, 7002/UDP and 7003/HTTP.
 * Roles: frontend (namespace {@code shop}, {@code app=frontend, tier=web}), checkout ({@code shop},
 * {@code app=checkout, tier=api}), payments ({@code payments}, {@code app=payments, tier=api}); namespaces
 * carry {@code kubernetes.io/metadata.name} and {@code team}.
 */
public final class LabFleet {

    public static final List<String> CLUSTERS = List.of("aws-lab", "gcp-lab", "azure-lab");
    public static final List<String> CLOUDS = List.of("aws", "gcp", "azure");
    public static final List<String> REGIONS = List.of("us-east-1", "europe-west1", "westeurope");
    public static final List<String> ROLES = List.of("frontend", "checkout", "payments");
    public static final List<Responder> RESPONDERS = List.of(
            new Responder(7001, "TCP"), new Responder(7002, "UDP"), new Responder(7003, "HTTP"));

    /** The first two octets of the lab's addresses. */
    public static final String DEFAULT_NET = "127.0";

    private LabFleet() {
    }

    /** The identity of agent {@code i}. */
    public static AgentIdentity agent(int i) {
        return agent(i, DEFAULT_NET);
    }

    /** The identity of agent {@code i} with its address in {@code net} (the first two octets, e.g. {@code 127.0}). */
    public static AgentIdentity agent(int i, String net) {
        if (i < 0 || i >= 250 * 250) {
            throw new IllegalArgumentException("agent index must be in 0..62499: " + i);
        }
        int c = i % 3;
        String role = ROLES.get((i / 3) % 3);
        String namespace = role.equals("payments") ? "payments" : "shop";
        String tier = role.equals("frontend") ? "web" : "api";
        String pod = role + "-" + i;
        return new AgentIdentity(
                pod,
                CLUSTERS.get(c),
                CLOUDS.get(c),
                REGIONS.get(c),
                "node-" + CLOUDS.get(c) + "-" + (i / 9),
                namespace,
                pod,
                List.of(address(i, net)),
                Map.of("app", role, "tier", tier),
                Map.of("kubernetes.io/metadata.name", namespace, "team", namespace.equals("payments") ? "payments" : "shop"),
                RESPONDERS,
                Set.of("tcp", "udp", "http"));
    }

    /** The first {@code n} agents. */
    public static List<AgentIdentity> agents(int n) {
        return agents(n, DEFAULT_NET);
    }

    /** The first {@code n} agents, addresses in {@code net}. */
    public static List<AgentIdentity> agents(int n, String net) {
        List<AgentIdentity> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(agent(i, net));
        }
        return all;
    }

    /** Agent {@code i}'s loopback address: {@code 127.0.X.Y}, X and Y from 1. */
    public static String address(int i) {
        return address(i, DEFAULT_NET);
    }

    /** Agent {@code i}'s address in {@code net}: {@code NET.X.Y}, X and Y from 1. */
    public static String address(int i, String net) {
        return net + "." + (1 + i / 250) + "." + (1 + i % 250);
    }

    /** The lab's bearer token of a cluster. */
    public static String token(String cluster) {
        return "lab-token-" + cluster;
    }

    public static Map<String, String> tokens() {
        Map<String, String> all = new java.util.LinkedHashMap<>();
        CLUSTERS.forEach(c -> all.put(c, token(c)));
        return all;
    }
}
