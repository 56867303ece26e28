package io.reachproof.cli.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.reachproof.policy.Located;
import io.reachproof.policy.PolicyInputReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rules the lab's enforcer writes, for the lab's own policies and topology. */
class NftRulesetTest {

    private static final Path EXAMPLES = Path.of("../expectations/examples/dataplane");

    @Test
    void theLabsPoliciesBecomeChainsOnTheNodesOfThePodsTheySelect() {
        PolicyInputReader.Result read = PolicyInputReader.read(List.of(EXAMPLES.resolve("policies.yaml")),
                List.of(EXAMPLES.resolve("topology.yaml")));
        assertThat(read.errors()).isEmpty();
        List<NetworkPolicy> policies = read.input().policies().stream().map(Located::object).toList();
        List<Namespace> namespaces = read.input().namespaces().stream().map(Located::object).toList();
        List<Pod> pods = new ArrayList<>();
        Map<String, String> ips = Map.of("frontend", "10.200.1.10", "checkout", "10.200.2.10", "payments", "10.200.1.11",
                "dns", "10.200.2.11");
        for (Located<Pod> p : read.input().pods()) {
            pods.add(new PodBuilder(p.object()).withNewStatus().withPodIP(ips.get(p.object().getMetadata().getName()))
                    .endStatus().build());
        }
        Map<String, String> node = Map.of("frontend", "node-1", "payments", "node-1", "checkout", "node-2", "dns", "node-2");

        Map<String, String> tables = NftRuleset.render(policies, namespaces, pods, pod -> Optional.of(
                new NftRuleset.Attachment(node.get(pod.getMetadata().getName()), "v-" + pod.getMetadata().getName())));

        assertThat(tables).containsOnlyKeys("node-1", "node-2");
        assertThat(tables.get("node-1")).contains(
                "iifname \"v-frontend\" jump egress-v-frontend",
                "oifname \"v-payments\" jump ingress-v-payments",
                // the shop may reach itself, payments, and DNS on 53
                "ip daddr { 10.200.1.10, 10.200.2.10 } return",
                "ip daddr { 10.200.1.11 } return",
                "ip daddr { 10.200.2.11 } udp dport 53 return",
                "ip daddr { 10.200.2.11 } tcp dport 53 return");
        // payments takes nothing: its allowing rule names a label the checkout pods do not have
        assertThat(tables.get("node-1")).contains("  chain ingress-v-payments { # payments/payments\n    drop\n  }");
        assertThat(tables.get("node-2")).contains(
                "oifname \"v-checkout\" jump ingress-v-checkout",
                "ip saddr { 10.200.1.10 } tcp dport 8443 return",
                "ip saddr { 10.200.1.10 } tcp dport 9090 return",
                // DNS takes the pod network by address (dns-from-pod-network)
                "oifname \"v-dns\" jump ingress-v-dns",
                "ip saddr 10.192.0.0/10 udp dport 53 return");
    }

    private static final String PROFILES_POLICIES = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: server-in, namespace: x}
            spec:
              podSelector: {matchLabels: {app: server}}
              policyTypes: [Ingress]
              ingress:
              - from: [{ipBlock: {cidr: 10.200.0.0/16, except: [10.200.9.0/24]}}]
                ports: [{port: 80, endPort: 82}]
            """;

    private static Map<String, String> renderProfile(CniProfile profile, java.util.Set<String> open) {
        PolicyInputReader.Result read = PolicyInputReader.readString("p.yaml", PROFILES_POLICIES);
        assertThat(read.errors()).isEmpty();
        List<NetworkPolicy> policies = read.input().policies().stream().map(Located::object).toList();
        List<Pod> pods = List.of(pod("server", "10.200.1.10"), pod("client", "10.200.1.11"));
        return NftRuleset.render(policies, List.of(), pods, pod -> Optional.of(new NftRuleset.Attachment("node-1",
                "v-" + pod.getMetadata().getName())), profile, open);
    }

    private static Pod pod(String name, String ip) {
        return new PodBuilder().withNewMetadata().withNamespace("x").withName(name).withLabels(Map.of("app", name))
                .endMetadata().withNewStatus().withPodIP(ip).endStatus().build();
    }

    @Test
    void theReferenceProfileMatchesRangesAndBlocksAndDrops() {
        String table = renderProfile(CniProfile.REFERENCE, java.util.Set.of()).get("node-1");

        assertThat(table).contains("ip saddr 10.200.0.0/16 ip saddr != { 10.200.9.0/24 } tcp dport 80-82 return\n    drop\n");
    }

    @Test
    void noEnforcementRendersNothing() {
        assertThat(renderProfile(CniProfile.NO_ENFORCEMENT, java.util.Set.of())).isEmpty();
    }

    @Test
    void rejectAnswersTcpWithAResetAndTheRestWithAdminProhibited() {
        String table = renderProfile(CniProfile.REJECT, java.util.Set.of()).get("node-1");

        assertThat(table).contains("tcp dport 80-82 return\n    meta l4proto tcp reject with tcp reset\n"
                + "    reject with icmpx type admin-prohibited\n  }").doesNotContain("drop");
    }

    @Test
    void noEndportMatchesTheFirstPortOfARangeOnly() {
        String table = renderProfile(CniProfile.NO_ENDPORT, java.util.Set.of()).get("node-1");

        assertThat(table).contains("tcp dport 80 return").doesNotContain("80-82");
    }

    @Test
    void ipblockIgnoresPodsLeavesTheClustersPodAddressesOutOfEveryBlock() {
        String table = renderProfile(CniProfile.IPBLOCK_IGNORES_PODS, java.util.Set.of()).get("node-1");

        assertThat(table).contains("ip saddr 10.200.0.0/16 ip saddr != { 10.200.1.10, 10.200.1.11, 10.200.9.0/24 }"
                + " tcp dport 80-82 return");
    }

    @Test
    void openPodsGetNoChainsYet() {
        assertThat(renderProfile(CniProfile.ENFORCEMENT_LAG, java.util.Set.of("x/server"))).isEmpty();
        assertThat(renderProfile(CniProfile.ENFORCEMENT_LAG, java.util.Set.of()).get("node-1"))
                .contains("oifname \"v-server\" jump ingress-v-server");
    }
}
