package io.reachproof.cli.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.agent.Transport;
import io.reachproof.agent.netns.NamedNetns;
import io.reachproof.agent.netns.NetnsSockets;
import io.reachproof.agent.pods.NamedPodNetworkNamespaces;
import io.reachproof.agent.probe.Prober;
import io.reachproof.agent.probe.SocketPlacement;
import io.reachproof.policy.Located;
import io.reachproof.policy.PolicyEngine;
import io.reachproof.policy.PolicyInput;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.policy.TruthTable;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PodRef;
import io.reachproof.protocol.ProbeResult;
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
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lab's enforcer and the policy engine, two independent readings of the NetworkPolicy specification, agree on
 * real packets: for each policy set of the upstream e2e corpus, applied through a lab API server and enforced with
 * nftables in real pod namespaces, every ordered pair of the model's pods on 80 and 81, TCP and UDP, is probed
 * (from the source pod's namespace, to the destination pod's app) and the probed matrix must equal the one the
 * engine compiles, cell by cell. (SCTP is left out: this kernel has no SCTP sockets.)
 */
class EnforcerCrossCheckIT {

    private static final List<String> NAMESPACES = List.of("x", "y", "z");
    private static final List<String> PODS = List.of("a", "b", "c");
    private static final List<Protocol> PROTOCOLS = List.of(Protocol.TCP, Protocol.UDP);

    private static Dataplane dataplane;
    /** The nodes' namespaces, where the enforcer's rules and the conntrack table of every flow are. */
    private static final java.util.Set<String> nodeNetns = new java.util.TreeSet<>();
    private static PodApps apps;
    private static LabApiServer api;
    private static NftEnforcer enforcer;
    private static NetnsSockets sockets;
    private static Prober prober;
    private static Path dir;
    private static final List<Namespace> namespaces = new ArrayList<>();
    private static final List<Pod> pods = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(Shell.whyNoDataplane().isEmpty(), () -> "the enforcer on real namespaces: "
                + Shell.whyNoDataplane().orElse(""));
        Assumptions.assumeTrue(Shell.onPath("conntrack"), "needs the conntrack command (Debian package conntrack) to"
                + " forget one policy set's flows before the next is probed");
        String prefix = "rpx" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xFFFF));
        dataplane = Dataplane.create(prefix, Map.of("e2e", List.of("node-1", "node-2", "node-3")));
        apps = new PodApps();
        dir = Files.createTempDirectory("reachproof-enforcer-it");
        api = LabApiServer.start("e2e", dir);
        for (int n = 0; n < NAMESPACES.size(); n++) {
            String ns = NAMESPACES.get(n);
            Namespace namespace = new NamespaceBuilder().withNewMetadata().withName(ns)
                    .withLabels(Map.of("ns", ns, "kubernetes.io/metadata.name", ns)).endMetadata().build();
            namespaces.add(api.client().namespaces().resource(namespace).create());
            for (String name : PODS) {
                Dataplane.Pod made = dataplane.addPod("e2e", "node-" + (n + 1), ns, name);
                nodeNetns.add(made.nodeNetns());
                PodBuilder pod = new PodBuilder().withNewMetadata().withNamespace(ns).withName(name)
                        .withLabels(Map.of("pod", name)).endMetadata().withNewSpec().withNodeName(made.node()).endSpec()
                        .withNewStatus().withPhase("Running").withPodIP(made.ip()).endStatus();
                for (int port : List.of(80, 81)) {
                    for (String protocol : List.of("TCP", "UDP", "SCTP")) {
                        String lower = protocol.toLowerCase(java.util.Locale.ROOT);
                        pod.editSpec().addToContainers(new ContainerBuilder().withName("cont-" + port + "-" + lower)
                                .withImage("agnhost").withPorts(new ContainerPortBuilder().withContainerPort(port)
                                        .withName("serve-" + port + "-" + lower).withProtocol(protocol).build()).build())
                                .endSpec();
                        if (!protocol.equals("SCTP")) {
                            apps.serve(made, port, protocol);
                        }
                    }
                }
                pods.add(api.client().pods().inNamespace(ns).resource(pod.build()).create());
            }
        }
        String template = Dataplane.podNetnsTemplate(prefix, "e2e");
        enforcer = NftEnforcer.start(api.client(), "e2e", pod -> dataplane.attachment("e2e", pod));
        sockets = new NetnsSockets(Clock.systemUTC(), Duration.ofMinutes(10));
        prober = new Prober("cross-check", 400, 2, Transport.detect(), Clock.systemUTC())
                .placeSocketsWith(SocketPlacement.fromSourcePod(new NamedPodNetworkNamespaces(NamedNetns.RUN_NETNS, template),
                        sockets));
    }

    @AfterAll
    static void tearDown() {
        for (AutoCloseable c : new AutoCloseable[] {prober, sockets, enforcer, api, apps, dataplane}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // the namespaces go with the dataplane
                }
            }
        }
    }

    private static List<NetworkPolicy> read(Path file) throws Exception {
        PolicyInputReader.Result read = PolicyInputReader.readString(file.getFileName().toString(), Files.readString(file));
        assertThat(read.errors()).isEmpty();
        return read.input().policies().stream().map(Located::object).toList();
    }

    /** Replaces the API's policies with {@code policies} and waits until the enforcer loaded what they imply. */
    private static void apply(List<NetworkPolicy> policies) {
        var client = api.client().network().v1().networkPolicies();
        client.inAnyNamespace().list().getItems().forEach(p -> client.resource(p).delete());
        await().atMost(Duration.ofSeconds(10)).until(() -> client.inAnyNamespace().list().getItems().isEmpty());
        for (NetworkPolicy p : policies) {
            client.inNamespace(p.getMetadata().getNamespace()).resource(p).create();
        }
        Map<String, String> expected = NftRuleset.render(client.inAnyNamespace().list().getItems(), namespaces, pods,
                pod -> dataplane.attachment("e2e", pod));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(enforcer.applied())
                .as("the rules the enforcer loaded").isEqualTo(expected));
        // a UDP probe whose ports happen to equal one of the last set's allowed flows would pass as established
        // (as on a real CNI): each set is judged on new flows only
        nodeNetns.forEach(n -> Shell.in(n, null, "conntrack", "-F"));
    }

    /** What the engine compiles: allowed or not, by "from -> to port/protocol", TCP and UDP only. */
    private static Map<String, Boolean> compiled(List<NetworkPolicy> policies) {
        TruthTable table = PolicyEngine.compile(PolicyInput.inCode(policies, namespaces, pods, "cross-check"), List.of())
                .table().orElseThrow();
        Map<String, Boolean> cells = new TreeMap<>();
        for (TruthTable.Cell c : table.cells()) {
            if (PROTOCOLS.contains(c.protocol())) {
                cells.put(c.from() + " -> " + c.to() + " " + c.port() + "/" + c.protocol(), c.verdict() == Verdict.ALLOW);
            }
        }
        return cells;
    }

    /** What the packets did: connected or not, by "from -> to port/protocol". */
    private static Map<String, Boolean> probed() throws Exception {
        Map<String, CompletableFuture<ProbeResult>> running = new LinkedHashMap<>();
        for (Pod from : pods) {
            for (Pod to : pods) {
                if (from == to) {
                    continue;
                }
                for (int port : List.of(80, 81)) {
                    for (Protocol protocol : PROTOCOLS) {
                        String key = name(from) + " -> " + name(to) + " " + port + "/" + protocol;
                        running.put(key, prober.probe(new ProbeTask(key, protocol, to.getStatus().getPodIP(), port, null, null,
                                null, protocol == Protocol.UDP ? 2 : 1, 400, 200, 299, ref(from), ref(to)), "cross-check"));
                    }
                }
            }
        }
        Map<String, Boolean> cells = new TreeMap<>();
        for (Map.Entry<String, CompletableFuture<ProbeResult>> e : running.entrySet()) {
            ProbeResult r = e.getValue().get(30, TimeUnit.SECONDS);
            assertThat(r.outcome()).as(e.getKey() + ": " + r.detail()).isIn(Outcome.CONNECTED, Outcome.TIMEOUT);
            cells.put(e.getKey(), r.outcome() == Outcome.CONNECTED);
        }
        return cells;
    }

    private static String name(Pod p) {
        return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    }

    private static PodRef ref(Pod p) {
        return new PodRef(p.getMetadata().getNamespace(), p.getMetadata().getName(), p.getMetadata().getUid(),
                p.getStatus().getPodIP());
    }

    @Test
    void theEnforcedMatrixEqualsTheCompiledOneForEveryPolicySetOfTheCorpus() throws Exception {
        List<Path> corpus;
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/enforcer/e2e"))) {
            corpus = files.sorted().toList();
        }
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(30);
        List<String> disagreements = new ArrayList<>();
        int cells = 0;
        for (Path file : corpus) {
            List<NetworkPolicy> policies = read(file);
            apply(policies);
            Map<String, Boolean> expected = compiled(policies);
            Map<String, Boolean> seen = probed();
            assertThat(seen.keySet()).as(file.toString()).isEqualTo(expected.keySet());
            cells += seen.size();
            expected.forEach((cell, allowed) -> {
                if (!allowed.equals(seen.get(cell))) {
                    disagreements.add(file.getFileName() + ": " + cell + ": compiled " + (allowed ? "allow" : "deny")
                            + ", enforced " + (seen.get(cell) ? "allow" : "deny"));
                }
            });
        }
        assertThat(disagreements).as("cells where the enforcer and the engine disagree").isEmpty();
        assertThat(cells).as("cells compared").isEqualTo(corpus.size() * 9 * 8 * 4);
    }
}
