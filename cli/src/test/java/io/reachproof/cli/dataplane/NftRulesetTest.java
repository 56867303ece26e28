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
                "ip saddr { 10.200.1.10 } tcp dport 9090 return")
                .doesNotContain("v-dns");
    }
}
