package io.reachproof.cli.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.agent.Transport;
import io.reachproof.agent.netns.NamedNetns;
import io.reachproof.agent.netns.NetnsSockets;
import io.reachproof.agent.pods.NamedPodNetworkNamespaces;
import io.reachproof.agent.probe.Prober;
import io.reachproof.agent.probe.SocketPlacement;
import io.reachproof.coordinator.assembly.StartedParts;
import io.reachproof.policy.Located;
import io.reachproof.policy.PolicyInputReader;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.PodRef;
import io.reachproof.protocol.ProbeTask;
import io.reachproof.protocol.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each CNI profile's signature on real packets: one lab cluster per profile, the same two pods and the same policy in
 * each (server takes ports 80-82 from the pod network, named by an ipBlock), probed from the client's own namespace.
 * The reference allows 80 and 81 and drops 83; no-endport drops 81; ipblock-ignores-pods drops everything (the client
 * is a pod); reject answers 83 with a reset and UDP 54 with an ICMP error; no-enforcement lets everything through;
 * enforcement-lag lets 83 through until its lag (3 s) has passed, then drops it.
 */
class CniProfilesIT {

    private static final String POLICY = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: server-from-pod-network, namespace: x}
            spec:
              podSelector: {matchLabels: {app: server}}
              ingress:
              - from: [{ipBlock: {cidr: 10.192.0.0/10}}]
                ports: [{port: 80, endPort: 82}]
            """;
    private static final Duration LAG = Duration.ofSeconds(3);

    private static final StartedParts running = new StartedParts();
    private static final Map<CniProfile, PodRef[]> pods = new LinkedHashMap<>();
    private static Prober prober;
    private static long lagStarted;

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(Shell.whyNoDataplane().isEmpty(), () -> "CNI profiles on real namespaces: "
                + Shell.whyNoDataplane().orElse(""));
        String prefix = "rpp" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xFFFF));
        Map<String, List<String>> nodes = new LinkedHashMap<>();
        for (CniProfile p : CniProfile.values()) {
            nodes.put(p.id(), List.of("node-1"));
        }
        Dataplane dataplane = Dataplane.create(prefix, nodes);
        running.started("dataplane", dataplane);
        PodApps apps = new PodApps();
        running.started("apps", apps);
        Path dir = Files.createTempDirectory("reachproof-profiles-it");
        NetworkPolicy policy = PolicyInputReader.readString("p.yaml", POLICY).input().policies().stream()
                .map(Located::object).findFirst().orElseThrow();
        NetnsSockets sockets = new NetnsSockets(Clock.systemUTC(), Duration.ofMinutes(10));
        running.started("sockets", sockets);
        prober = new Prober("profiles", 64, 1, Transport.detect(), Clock.systemUTC()).placeSocketsWith(
                SocketPlacement.fromSourcePod(new NamedPodNetworkNamespaces(NamedNetns.RUN_NETNS, prefix + "-{namespace}-{name}"),
                        sockets));
        running.started("prober", prober);
        // enforcement-lag last: its window starts with its enforcer, and the test begins with it
        List<CniProfile> order = new ArrayList<>(List.of(CniProfile.values()));
        order.remove(CniProfile.ENFORCEMENT_LAG);
        order.add(CniProfile.ENFORCEMENT_LAG);
        for (CniProfile profile : order) {
            String cluster = profile.id();
            LabApiServer api = LabApiServer.start(cluster, dir);
            running.started("api", api);
            api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("x").endMetadata().build())
                    .create();
            PodRef[] refs = new PodRef[2];
            int i = 0;
            for (String name : List.of("server", "client")) {
                Dataplane.Pod made = dataplane.addPod(cluster, "node-1", "x", name);
                for (int port : List.of(80, 81, 83)) {
                    apps.serve(made, port, "TCP");
                }
                apps.serve(made, 54, "UDP");
                api.client().pods().inNamespace("x").resource(new PodBuilder().withNewMetadata().withNamespace("x")
                        .withName(name).withUid(cluster + "-" + name).withLabels(Map.of("app", name)).endMetadata()
                        .withNewSpec().withNodeName("node-1").addToContainers(new ContainerBuilder().withName("app")
                                .withPorts(new ContainerPortBuilder().withContainerPort(80).build()).build()).endSpec()
                        .withNewStatus().withPodIP(made.ip()).endStatus().build()).create();
                // the prober finds a pod's namespace by its PodRef: CLUSTER-x is the "namespace" in the template
                refs[i++] = new PodRef(cluster + "-x", name, cluster + "-" + name, made.ip());
            }
            pods.put(profile, refs);
            api.client().network().v1().networkPolicies().inNamespace("x").resource(policy).create();
            if (profile == CniProfile.ENFORCEMENT_LAG) {
                lagStarted = System.nanoTime();
            }
            running.started("enforcer", NftEnforcer.start(api.client(), cluster, pod -> dataplane.attachment(cluster, pod),
                    profile, LAG));
        }
    }

    @AfterAll
    static void tearDown() {
        running.close();
    }

    private static Outcome probe(CniProfile profile, int port, Protocol protocol) throws Exception {
        PodRef[] p = pods.get(profile);
        return prober.probe(new ProbeTask("t-" + profile.id() + "-" + port, protocol, p[0].ip(), port, null, null, null, 1, 700,
                200, 299, p[1], p[0]), "profiles").get(30, TimeUnit.SECONDS).outcome();
    }

    private static List<Outcome> signature(CniProfile profile) throws Exception {
        List<Outcome> seen = new ArrayList<>();
        for (int port : List.of(80, 81, 83)) {
            seen.add(probe(profile, port, Protocol.TCP));
        }
        seen.add(probe(profile, 54, Protocol.UDP));
        return seen;
    }

    @Test
    void eachProfileShowsItsSignatureOnRealPackets() throws Exception {
        // the lag first: its window is running
        assertThat(probe(CniProfile.ENFORCEMENT_LAG, 83, Protocol.TCP)).as("enforcement-lag: 83 open during the lag")
                .isEqualTo(Outcome.CONNECTED);

        assertThat(signature(CniProfile.REFERENCE)).as("reference: 80 81 83 54/UDP")
                .containsExactly(Outcome.CONNECTED, Outcome.CONNECTED, Outcome.TIMEOUT, Outcome.TIMEOUT);
        assertThat(signature(CniProfile.NO_ENFORCEMENT)).as("no-enforcement")
                .containsExactly(Outcome.CONNECTED, Outcome.CONNECTED, Outcome.CONNECTED, Outcome.CONNECTED);
        assertThat(signature(CniProfile.NO_ENDPORT)).as("no-endport: the range's first port only")
                .containsExactly(Outcome.CONNECTED, Outcome.TIMEOUT, Outcome.TIMEOUT, Outcome.TIMEOUT);
        assertThat(signature(CniProfile.IPBLOCK_IGNORES_PODS)).as("ipblock-ignores-pods: the client is a pod")
                .containsExactly(Outcome.TIMEOUT, Outcome.TIMEOUT, Outcome.TIMEOUT, Outcome.TIMEOUT);
        assertThat(signature(CniProfile.REJECT)).as("reject: a reset, an ICMP error")
                .containsExactly(Outcome.CONNECTED, Outcome.CONNECTED, Outcome.REFUSED, Outcome.UNREACHABLE);

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> probe(CniProfile.ENFORCEMENT_LAG, 83, Protocol.TCP) == Outcome.TIMEOUT);
        long open = (System.nanoTime() - lagStarted) / 1_000_000;
        assertThat(open).as("ms until enforcement-lag's rules landed").isGreaterThanOrEqualTo(LAG.toMillis() - 200);
        assertThat(signature(CniProfile.ENFORCEMENT_LAG)).as("enforcement-lag once its rules landed")
                .containsExactly(Outcome.CONNECTED, Outcome.CONNECTED, Outcome.TIMEOUT, Outcome.TIMEOUT);
    }
}
