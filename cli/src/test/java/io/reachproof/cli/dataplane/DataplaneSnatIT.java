package io.reachproof.cli.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.reachproof.agent.Transport;
import io.reachproof.agent.netns.NamedNetns;
import io.reachproof.agent.netns.NetnsSockets;
import io.reachproof.agent.pods.NamedPodNetworkNamespaces;
import io.reachproof.agent.probe.Prober;
import io.reachproof.agent.probe.SocketPlacement;
import io.reachproof.coordinator.assembly.StartedParts;
import io.reachproof.policy.EgressAddresses;
import io.reachproof.policy.Located;
import io.reachproof.policy.MultiClusterTable;
import io.reachproof.policy.PodPort;
import io.reachproof.policy.PolicyEngine;
import io.reachproof.policy.PolicyInput;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.policy.TruthTable;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PodRef;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dataplane lab's SNAT path on real packets: two clusters of network namespaces (two nodes each, both enforcing the
 * full specification) with the lab's topology and NetworkPolicies; snat-a's nodes masquerade its pods' traffic to
 * other clusters to their own addresses, flat-b sends with pod addresses. Every cell between the clusters and every
 * cell inside flat-b is probed from the source pod's namespace, and the verdicts observed equal the verdicts derived
 * from both sides' policies with snat-a's egressAddresses; with podIP for snat-a, the derivation would be wrong on
 * exactly the cells checkout-from-other-clusters decides.
 */
class DataplaneSnatIT {

    private static final Path EXAMPLES = Path.of("../expectations/examples/dataplane");
    private static final StartedParts running = new StartedParts();
    private static DataplaneLab lab;
    private static Prober prober;
    private static String prefix;

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(Shell.whyNoDataplane().isEmpty(), () -> "SNAT on real namespaces: "
                + Shell.whyNoDataplane().orElse(""));
        prefix = "rpsn" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xFFFF));
        PolicyInputReader.Result topology = PolicyInputReader.read(List.of(), List.of(EXAMPLES.resolve("topology.yaml")));
        assertThat(topology.errors()).isEmpty();
        List<DataplaneLab.LabCluster> clusters = List.of(new DataplaneLab.LabCluster("snat-a", "aws", "r").withSnat(true),
                new DataplaneLab.LabCluster("flat-b", "gcp", "r"));
        lab = DataplaneLab.start(new DataplaneLab.Spec(prefix, Files.createTempDirectory("reachproof-snat-it"), clusters, 2,
                topology.input().namespaces().stream().map(Located::object).toList(),
                topology.input().pods().stream().map(Located::object).toList(),
                policies().policies().stream().map(Located::object).toList()), DataplaneLab.Enforcers.NFTABLES);
        running.started("lab", lab);
        NetnsSockets sockets = new NetnsSockets(Clock.systemUTC(), Duration.ofMinutes(10));
        running.started("sockets", sockets);
        prober = new Prober("snat-it", 64, 1, Transport.detect(), Clock.systemUTC()).placeSocketsWith(
                SocketPlacement.fromSourcePod(new NamedPodNetworkNamespaces(NamedNetns.RUN_NETNS, prefix + "-{namespace}-{name}"),
                        sockets));
        running.started("prober", prober);
    }

    @AfterAll
    static void tearDown() {
        running.close();
        if (prefix != null) {
            assertThat(Shell.run(null, "ip", "netns", "list")).doesNotContain(prefix + "-");
        }
    }

    private static PolicyInput policies() {
        PolicyInputReader.Result read = PolicyInputReader.read(List.of(EXAMPLES.resolve("policies.yaml")), List.of());
        assertThat(read.errors()).isEmpty();
        return read.input();
    }

    /** Each cluster's truth table from what its API holds (the pods with their real addresses) and the lab's policies. */
    private static MultiClusterTable derived(Map<String, EgressAddresses> egress) {
        List<MultiClusterTable.Member> members = new ArrayList<>();
        for (String cluster : List.of("snat-a", "flat-b")) {
            var client = lab.apis().get(cluster).client();
            List<Namespace> namespaces = client.namespaces().list().getItems();
            List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
            PolicyEngine.Result result = PolicyEngine.compile(new PolicyInput(policies().policies(),
                    namespaces.stream().map(n -> Located.inCode(n, "cluster " + cluster)).toList(),
                    pods.stream().map(p -> Located.inCode(p, "cluster " + cluster)).toList(), List.of()));
            assertThat(result.errors()).isEmpty();
            TruthTable table = result.table().orElseThrow();
            members.add(new MultiClusterTable.Member(cluster, table, egress.getOrDefault(cluster, EgressAddresses.POD_IP)));
        }
        return new MultiClusterTable(members);
    }

    /** A pod of the dataplane as the prober finds it: its namespace is {@code CLUSTER-NAMESPACE} in the template. */
    private static PodRef ref(String id) {
        String[] p = id.split("/");
        Dataplane.Pod pod = lab.dataplane().pod(p[0], p[1], p[2]).orElseThrow();
        return new PodRef(p[0] + "-" + p[1], p[2], id, pod.ip());
    }

    private static CompletableFuture<Outcome> probe(String from, String to, PodPort port) {
        PodRef source = ref(from);
        PodRef target = ref(to);
        return prober.probe(new ProbeTask("t-" + from + "-" + to + "-" + port.label(), port.protocol(), target.ip(), port.port(),
                null, null, null, 1, 700, 200, 299, source, target), "snat-it").thenApply(r -> r.outcome());
    }

    @Test
    void cellsAcrossClustersAndInsideTheFlatClusterAreObservedAsBothSidesPoliciesDeriveThem() throws Exception {
        Map<String, EgressAddresses> egress = lab.egressAddresses();
        assertThat(egress).containsOnlyKeys("snat-a");
        assertThat(egress.get("snat-a").snat()).extracting(Object::toString).containsExactly("10.199.0.1/32", "10.199.0.2/32");
        MultiClusterTable table = derived(egress);
        // the enforcers load their rules after the lab starts: wait until both clusters drop a denied in-cluster cell
        PodPort grpc = new PodPort(7001, Protocol.TCP, List.of());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                probe("snat-a/shop/frontend", "snat-a/payments/payments", grpc).get(10, TimeUnit.SECONDS) != Outcome.CONNECTED
                        && probe("flat-b/shop/frontend", "flat-b/payments/payments", grpc).get(10, TimeUnit.SECONDS)
                        != Outcome.CONNECTED);

        Map<String, CompletableFuture<Outcome>> probes = new LinkedHashMap<>();
        Map<String, Verdict> expected = new LinkedHashMap<>();
        List<String> pods = table.pods();
        for (int f = 0; f < pods.size(); f++) {
            for (int t = 0; t < pods.size(); t++) {
                String from = pods.get(f);
                String to = pods.get(t);
                boolean crossing = !table.clusterOf(f).name().equals(table.clusterOf(t).name());
                if (f == t || !(crossing || from.startsWith("flat-b/"))) {
                    continue;
                }
                List<PodPort> ports = table.ports(t);
                for (int k = 0; k < ports.size(); k++) {
                    String cell = from + " -> " + to + " " + ports.get(k).label();
                    probes.put(cell, probe(from, to, ports.get(k)));
                    expected.put(cell, table.verdict(f, t, k));
                }
            }
        }
        Map<String, Verdict> observed = new LinkedHashMap<>();
        List<String> inconclusive = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<Outcome>> p : probes.entrySet()) {
            Outcome o = p.getValue().get(60, TimeUnit.SECONDS);
            switch (o) {
                case CONNECTED -> observed.put(p.getKey(), Verdict.ALLOW);
                case TIMEOUT, REFUSED, UNREACHABLE -> observed.put(p.getKey(), Verdict.DENY);
                default -> inconclusive.add(p.getKey() + " " + o);
            }
        }

        assertThat(inconclusive).isEmpty();
        // 4 pods a cluster, 7 ports: 28 cells each way between the clusters, 21 inside flat-b
        assertThat(observed).hasSize(28 + 28 + 21).isEqualTo(expected);
        // the cells the SNAT path decides: checkout's API takes other clusters' nodes' addresses, not their pods'
        assertThat(observed).containsEntry("snat-a/shop/frontend -> flat-b/shop/checkout 8443/TCP", Verdict.ALLOW)
                .containsEntry("flat-b/shop/frontend -> snat-a/shop/checkout 8443/TCP", Verdict.DENY)
                .containsEntry("snat-a/shop/checkout -> flat-b/shop/checkout 8443/TCP", Verdict.ALLOW)
                .containsEntry("flat-b/shop/checkout -> snat-a/shop/checkout 8443/TCP", Verdict.DENY);
        int f = table.indexOf("snat-a/shop/frontend").orElseThrow();
        int t = table.indexOf("flat-b/shop/checkout").orElseThrow();
        assertThat(table.decision(f, t, 8443, Protocol.TCP).decidedBy())
                .isEqualTo("ingress of cluster flat-b: NetworkPolicy shop/checkout-from-other-clusters ("
                        + EXAMPLES.resolve("policies.yaml") + ":74)");
        assertThat(table.explain(f, t, 8443, Protocol.TCP).lines())
                .anySatisfy(l -> assertThat(l).contains("arriving from 10.199.0.1, 10.199.0.2 (SNAT of cluster snat-a)"));
        // derived as if snat-a were flat, the SNAT cells (and only cells whose sources are snat-a's) would be wrong
        MultiClusterTable flat = derived(Map.of());
        List<String> wrongIfFlat = new ArrayList<>();
        for (int a = 0; a < pods.size(); a++) {
            for (int b = 0; b < pods.size(); b++) {
                List<PodPort> ports = flat.ports(b);
                for (int k = 0; k < ports.size(); k++) {
                    String cell = pods.get(a) + " -> " + pods.get(b) + " " + ports.get(k).label();
                    if (a != b && observed.containsKey(cell) && flat.verdict(a, b, k) != observed.get(cell)) {
                        wrongIfFlat.add(cell);
                    }
                }
            }
        }
        assertThat(wrongIfFlat).isNotEmpty()
                .allSatisfy(c -> assertThat(c).startsWith("snat-a/").contains("-> flat-b/shop/checkout 8443/TCP"));
    }
}
