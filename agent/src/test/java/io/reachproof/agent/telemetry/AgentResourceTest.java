package io.reachproof.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import io.reachproof.protocol.AgentIdentity;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AgentResourceTest {

    private static AgentIdentity identity(String cloud, String region, String node) {
        return new AgentIdentity("agent-4", "gcp-lab", cloud, region, node, "shop", "checkout-4",
                List.of("127.0.1.5"), Map.of("app", "checkout"), Map.of(), List.of(), Set.of());
    }

    private static Map<String, Object> attributes(Resource r) {
        return r.getAttributes().asMap().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().getKey(), Map.Entry::getValue));
    }

    @Test
    void agentIdentityBecomesSemanticConventionResourceAttributes() {
        Resource r = AgentResource.of(identity("GCP", "europe-west1", "node-4"), "0.1.0");

        assertThat(attributes(r)).isEqualTo(Map.of(
                "service.name", "reachproof-agent",
                "service.version", "0.1.0",
                "service.instance.id", "agent-4",
                "k8s.cluster.name", "gcp-lab",
                "k8s.node.name", "node-4",
                "k8s.namespace.name", "shop",
                "k8s.pod.name", "checkout-4",
                "cloud.provider", "gcp",
                "cloud.region", "europe-west1"));
    }

    @Test
    void emptyIdentityFieldsAreLeftOut() {
        Resource r = AgentResource.of(identity(null, null, null), "0.1.0");

        assertThat(attributes(r)).doesNotContainKeys("cloud.provider", "cloud.region", "k8s.node.name");
    }

    @Test
    void userResourceMergedOverItWins() {
        Resource user = Resource.create(Attributes.of(
                AttributeKey.stringKey("k8s.cluster.name"), "prod-eu-1"));

        Resource merged = AgentResource.of(identity("aws", "us-east-1", "n"), "0.1.0").merge(user);

        assertThat(merged.getAttribute(AttributeKey.stringKey("k8s.cluster.name"))).isEqualTo("prod-eu-1");
        assertThat(merged.getAttribute(AttributeKey.stringKey("cloud.region"))).isEqualTo("us-east-1");
    }
}
