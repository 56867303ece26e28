package io.reachproof.agent.telemetry;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import io.reachproof.protocol.AgentIdentity;
import java.util.Locale;

/**
 * The OpenTelemetry resource of an agent, from its identity: who emits the agent's telemetry, in the
 * semantic conventions' keys. Merge it under the autoconfigured resource so {@code OTEL_RESOURCE_ATTRIBUTES}
 * and {@code OTEL_SERVICE_NAME} still win:
 * {@code builder.addResourceCustomizer((r, c) -> AgentResource.of(identity, version).merge(userSet(r)))}.
 */
public final class AgentResource {

    public static final String SERVICE_NAME = "reachproof-agent";

    static final AttributeKey<String> SERVICE_NAME_KEY = stringKey("service.name");
    static final AttributeKey<String> SERVICE_VERSION = stringKey("service.version");
    static final AttributeKey<String> SERVICE_INSTANCE_ID = stringKey("service.instance.id");
    static final AttributeKey<String> K8S_CLUSTER_NAME = stringKey("k8s.cluster.name");
    static final AttributeKey<String> K8S_NODE_NAME = stringKey("k8s.node.name");
    static final AttributeKey<String> K8S_NAMESPACE_NAME = stringKey("k8s.namespace.name");
    static final AttributeKey<String> K8S_POD_NAME = stringKey("k8s.pod.name");
    static final AttributeKey<String> CLOUD_PROVIDER = stringKey("cloud.provider");
    static final AttributeKey<String> CLOUD_REGION = stringKey("cloud.region");

    private AgentResource() {
    }

    /**
     * {@code service.name=reachproof-agent}, {@code service.version}, {@code service.instance.id} (the agent
     * id), {@code k8s.cluster.name}, {@code k8s.node.name}, {@code k8s.namespace.name}, {@code k8s.pod.name},
     * {@code cloud.provider} (lower case, as semconv spells {@code aws}, {@code gcp}, {@code azure}) and
     * {@code cloud.region}; attributes the identity leaves empty are left out.
     */
    public static Resource of(AgentIdentity identity, String serviceVersion) {
        requireNonNull(identity, "identity");
        requireNonNull(serviceVersion, "serviceVersion");
        AttributesBuilder b = Attributes.builder()
                .put(SERVICE_NAME_KEY, SERVICE_NAME)
                .put(SERVICE_VERSION, serviceVersion)
                .put(SERVICE_INSTANCE_ID, identity.agentId())
                .put(K8S_CLUSTER_NAME, identity.cluster());
        put(b, K8S_NODE_NAME, identity.node());
        put(b, K8S_NAMESPACE_NAME, identity.namespace());
        put(b, K8S_POD_NAME, identity.pod());
        put(b, CLOUD_PROVIDER, identity.cloud().toLowerCase(Locale.ROOT));
        put(b, CLOUD_REGION, identity.region());
        return Resource.create(b.build());
    }

    private static void put(AttributesBuilder b, AttributeKey<String> key, String value) {
        if (!value.isBlank()) {
            b.put(key, value);
        }
    }
}
