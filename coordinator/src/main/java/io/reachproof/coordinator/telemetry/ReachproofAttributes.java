package io.reachproof.coordinator.telemetry;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attribute keys reachproof puts on spans, metrics and resources.
 *
 * <p>Naming: on a mismatch span the OpenTelemetry semantic-convention keys ({@code k8s.*},
 * {@code cloud.*}) describe the <em>source</em> of the probe (the client side, as semconv uses them
 * for the emitting side); the destination carries the same keys under {@code reachproof.destination.}
 * ({@code reachproof.destination.k8s.cluster.name}, ...), and {@code server.address}/{@code server.port}
 * name the probed address as semconv does for a client call.
 *
 * <p>Metric attributes are aggregates about a pair, never about the emitting process, so they use
 * {@code reachproof.source.*}/{@code reachproof.destination.*} keys and never the semconv resource keys:
 * a collector that copies resource attributes (a coordinator's own {@code k8s.cluster.name}) onto
 * metric labels must not collide with them.
 */
public final class ReachproofAttributes {

    // semantic conventions (https://opentelemetry.io/docs/specs/semconv/)
    public static final AttributeKey<String> SERVICE_NAME = stringKey("service.name");
    public static final AttributeKey<String> SERVICE_VERSION = stringKey("service.version");
    public static final AttributeKey<String> SERVICE_INSTANCE_ID = stringKey("service.instance.id");
    public static final AttributeKey<String> K8S_CLUSTER_NAME = stringKey("k8s.cluster.name");
    public static final AttributeKey<String> K8S_NAMESPACE_NAME = stringKey("k8s.namespace.name");
    public static final AttributeKey<String> K8S_POD_NAME = stringKey("k8s.pod.name");
    public static final AttributeKey<String> K8S_NODE_NAME = stringKey("k8s.node.name");
    public static final AttributeKey<String> CLOUD_PROVIDER = stringKey("cloud.provider");
    public static final AttributeKey<String> CLOUD_REGION = stringKey("cloud.region");
    public static final AttributeKey<String> NETWORK_TRANSPORT = stringKey("network.transport");
    public static final AttributeKey<String> NETWORK_PROTOCOL_NAME = stringKey("network.protocol.name");
    public static final AttributeKey<String> SERVER_ADDRESS = stringKey("server.address");
    public static final AttributeKey<Long> SERVER_PORT = longKey("server.port");

    // the destination of a probe, in semconv shape
    public static final String DESTINATION_PREFIX = "reachproof.destination.";
    public static final AttributeKey<String> DESTINATION_K8S_CLUSTER_NAME = destination(K8S_CLUSTER_NAME);
    public static final AttributeKey<String> DESTINATION_K8S_NAMESPACE_NAME = destination(K8S_NAMESPACE_NAME);
    public static final AttributeKey<String> DESTINATION_K8S_POD_NAME = destination(K8S_POD_NAME);
    public static final AttributeKey<String> DESTINATION_K8S_NODE_NAME = destination(K8S_NODE_NAME);
    public static final AttributeKey<String> DESTINATION_CLOUD_PROVIDER = destination(CLOUD_PROVIDER);
    public static final AttributeKey<String> DESTINATION_CLOUD_REGION = destination(CLOUD_REGION);

    // rounds
    public static final AttributeKey<String> EXPECTATION = stringKey("reachproof.expectation");
    public static final AttributeKey<String> ROUND_ID = stringKey("reachproof.round.id");
    public static final AttributeKey<Boolean> ROUND_COMPLETE = booleanKey("reachproof.round.complete");
    public static final AttributeKey<Long> CELLS = longKey("reachproof.cells");
    public static final AttributeKey<Long> CELLS_ALLOW = longKey("reachproof.cells.allow");
    public static final AttributeKey<Long> CELLS_DENY = longKey("reachproof.cells.deny");
    public static final AttributeKey<Long> CELLS_INCONCLUSIVE = longKey("reachproof.cells.inconclusive");
    public static final AttributeKey<Long> MISMATCHES = longKey("reachproof.mismatches");
    public static final AttributeKey<Long> MISMATCHES_HOLE = longKey("reachproof.mismatches.hole");
    public static final AttributeKey<Long> MISMATCHES_BLOCKED = longKey("reachproof.mismatches.blocked");
    public static final AttributeKey<Long> MISMATCHES_UNTRACED = longKey("reachproof.mismatches.untraced");
    public static final AttributeKey<Double> COVERAGE = doubleKey("reachproof.coverage");

    // cells and mismatches
    public static final AttributeKey<String> SOURCE_GROUP = stringKey("reachproof.source.group");
    public static final AttributeKey<String> DESTINATION_GROUP = stringKey("reachproof.destination.group");
    public static final AttributeKey<String> SOURCE_AGENT_ID = stringKey("reachproof.source.agent.id");
    public static final AttributeKey<String> DESTINATION_AGENT_ID = stringKey("reachproof.destination.agent.id");
    public static final AttributeKey<String> PROTOCOL = stringKey("reachproof.protocol");
    public static final AttributeKey<String> EXPECTED = stringKey("reachproof.expected");
    public static final AttributeKey<String> OBSERVED = stringKey("reachproof.observed");
    public static final AttributeKey<String> OUTCOME = stringKey("reachproof.outcome");
    public static final AttributeKey<String> MISMATCH_KIND = stringKey("reachproof.mismatch.kind");
    public static final AttributeKey<String> RULE = stringKey("reachproof.rule");
    public static final AttributeKey<Long> ATTEMPTS = longKey("reachproof.attempts");
    public static final AttributeKey<Double> LATENCY_SECONDS = doubleKey("reachproof.latency.seconds");
    public static final AttributeKey<String> SUSPECT_CHANGE = stringKey("reachproof.suspect_change");
    public static final AttributeKey<String> SUSPECT_CHANGE_UID = stringKey("reachproof.suspect_change.uid");

    // metric attributes (pair aggregates)
    public static final AttributeKey<String> SOURCE_CLUSTER = stringKey("reachproof.source.cluster");
    public static final AttributeKey<String> DESTINATION_CLUSTER = stringKey("reachproof.destination.cluster");
    public static final AttributeKey<String> SOURCE_CLOUD = stringKey("reachproof.source.cloud");
    public static final AttributeKey<String> DESTINATION_CLOUD = stringKey("reachproof.destination.cloud");
    public static final AttributeKey<Long> PORT = longKey("reachproof.port");
    public static final AttributeKey<String> VERDICT = stringKey("reachproof.verdict");
    public static final AttributeKey<String> AGENT_STATE = stringKey("reachproof.agent.state");

    private ReachproofAttributes() {
    }

    private static AttributeKey<String> destination(AttributeKey<String> semconv) {
        return stringKey(DESTINATION_PREFIX + semconv.getKey());
    }
}
