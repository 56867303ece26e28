package io.reachproof.coordinator.telemetry;

import static io.reachproof.coordinator.telemetry.ReachproofAttributes.ATTEMPTS;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.CELLS;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.CELLS_ALLOW;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.CELLS_DENY;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.CELLS_INCONCLUSIVE;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.CLOUD_PROVIDER;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.CLOUD_REGION;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.COVERAGE;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.DESTINATION_AGENT_ID;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.DESTINATION_CLOUD_PROVIDER;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.DESTINATION_CLOUD_REGION;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.DESTINATION_GROUP;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.DESTINATION_K8S_CLUSTER_NAME;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.DESTINATION_K8S_NAMESPACE_NAME;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.DESTINATION_K8S_NODE_NAME;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.DESTINATION_K8S_POD_NAME;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.EXPECTATION;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.EXPECTED;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.K8S_CLUSTER_NAME;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.K8S_NAMESPACE_NAME;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.K8S_NODE_NAME;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.K8S_POD_NAME;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.LATENCY_SECONDS;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.MISMATCHES;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.MISMATCHES_BLOCKED;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.MISMATCHES_HOLE;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.MISMATCHES_UNTRACED;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.MISMATCH_KIND;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.NETWORK_PROTOCOL_NAME;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.NETWORK_TRANSPORT;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.OBSERVED;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.OUTCOME;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.PROTOCOL;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.ROUND_COMPLETE;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.ROUND_ID;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.RULE;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.SERVER_ADDRESS;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.SERVER_PORT;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.SOURCE_AGENT_ID;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.SOURCE_GROUP;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.SUSPECT_CHANGE;
import static io.reachproof.coordinator.telemetry.ReachproofAttributes.SUSPECT_CHANGE_UID;
import static java.util.Objects.requireNonNull;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.reachproof.coordinator.round.RoundListener;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.MismatchKind;
import io.reachproof.protocol.MismatchText;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.PolicyChange;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.RoundReport;

/**
 * Turns each finished round into a trace: a {@code reachproof.round} root span over the round's
 * start..finish, and a child {@code reachproof.mismatch} span (status ERROR) per mismatch, up to
 * {@link #MAX_MISMATCH_SPANS} (the rest are counted on the round span as
 * {@code reachproof.mismatches.untraced}; the metrics and the JSON report still have every one). Returns the
 * report carrying the trace id, so JSON reports and traces join; a round the sampler dropped keeps a
 * null trace id (no trace exists to join).
 */
final class RoundTracer implements RoundListener {

    static final String ROUND_SPAN = "reachproof.round";
    static final String MISMATCH_SPAN = "reachproof.mismatch";
    /** Mismatch spans per round at most: a fleet-wide outage must not flood the span queue (default 2048). */
    static final int MAX_MISMATCH_SPANS = 1000;

    private final Tracer tracer;
    private final int maxMismatchSpans;

    RoundTracer(Tracer tracer, int maxMismatchSpans) {
        this.tracer = requireNonNull(tracer, "tracer");
        if (maxMismatchSpans < 0) {
            throw new IllegalArgumentException("maxMismatchSpans must not be negative: " + maxMismatchSpans);
        }
        this.maxMismatchSpans = maxMismatchSpans;
    }

    @Override
    public RoundReport onRound(RoundReport report) {
        long start = report.startedAtEpochMillis();
        long end = Math.max(start, report.finishedAtEpochMillis());
        Span round = tracer.spanBuilder(ROUND_SPAN)
                .setNoParent()
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(start, MILLISECONDS)
                .setAllAttributes(roundAttributes(report))
                .startSpan();
        Context parent = Context.root().with(round);
        int untraced = Math.max(0, report.mismatches().size() - maxMismatchSpans);
        if (untraced > 0) {
            round.setAttribute(MISMATCHES_UNTRACED, (long) untraced);
        }
        for (Mismatch m : report.mismatches().subList(0, report.mismatches().size() - untraced)) {
            Span span = tracer.spanBuilder(MISMATCH_SPAN)
                    .setParent(parent)
                    .setSpanKind(SpanKind.INTERNAL)
                    .setStartTimestamp(start, MILLISECONDS)
                    .setAllAttributes(mismatchAttributes(report, m))
                    .startSpan();
            span.setStatus(StatusCode.ERROR, MismatchText.spanStatus(m));
            span.end(end, MILLISECONDS);
        }
        if (!report.mismatches().isEmpty()) {
            round.setStatus(StatusCode.ERROR, report.mismatches().size() + " mismatch"
                    + (report.mismatches().size() == 1 ? "" : "es") + " in " + report.expectation());
        }
        round.end(end, MILLISECONDS);
        return round.getSpanContext().isSampled()
                ? report.withTraceId(round.getSpanContext().getTraceId())
                : report;
    }

    @Override
    public String toString() {
        return "RoundTracer";
    }

    static Attributes roundAttributes(RoundReport r) {
        long allow = 0;
        long deny = 0;
        long inconclusive = 0;
        for (CellResult c : r.cells()) {
            if (c.observed() == ObservedVerdict.ALLOW) {
                allow++;
            } else if (c.observed() == ObservedVerdict.DENY) {
                deny++;
            } else {
                inconclusive++;
            }
        }
        long holes = r.mismatches().stream().filter(m -> m.kind() == MismatchKind.HOLE).count();
        AttributesBuilder b = Attributes.builder()
                .put(EXPECTATION, r.expectation())
                .put(ROUND_ID, r.roundId())
                .put(ROUND_COMPLETE, r.complete())
                .put(CELLS, (long) r.cells().size())
                .put(CELLS_ALLOW, allow)
                .put(CELLS_DENY, deny)
                .put(CELLS_INCONCLUSIVE, inconclusive)
                .put(MISMATCHES, (long) r.mismatches().size())
                .put(MISMATCHES_HOLE, holes)
                .put(MISMATCHES_BLOCKED, r.mismatches().size() - holes)
                .put(COVERAGE, r.coverage());
        putChange(b, r.suspectChange());
        return b.build();
    }

    static Attributes mismatchAttributes(RoundReport r, Mismatch m) {
        CellResult c = m.cell();
        AttributesBuilder b = Attributes.builder()
                .put(EXPECTATION, r.expectation())
                .put(ROUND_ID, r.roundId())
                .put(MISMATCH_KIND, m.kind().spelling())
                .put(SOURCE_GROUP, c.fromGroup())
                .put(DESTINATION_GROUP, c.toGroup())
                .put(PROTOCOL, c.protocol().spelling())
                .put(NETWORK_TRANSPORT, transport(c.protocol()))
                .put(SERVER_PORT, (long) c.port())
                .put(EXPECTED, c.expected().spelling())
                .put(OBSERVED, c.observed().spelling())
                .put(ATTEMPTS, (long) c.attempts())
                .put(LATENCY_SECONDS, c.latencyMicros() / 1_000_000.0);
        if (c.protocol() == Protocol.HTTP) {
            b.put(NETWORK_PROTOCOL_NAME, "http");
        }
        EndpointRef from = c.from();
        put(b, K8S_CLUSTER_NAME, from.cluster());
        put(b, K8S_NAMESPACE_NAME, from.namespace());
        put(b, K8S_POD_NAME, from.pod());
        put(b, K8S_NODE_NAME, from.node());
        put(b, CLOUD_PROVIDER, from.cloud());
        put(b, CLOUD_REGION, from.region());
        put(b, SOURCE_AGENT_ID, from.agentId());
        EndpointRef to = c.to();
        put(b, DESTINATION_K8S_CLUSTER_NAME, to.cluster());
        put(b, DESTINATION_K8S_NAMESPACE_NAME, to.namespace());
        put(b, DESTINATION_K8S_POD_NAME, to.pod());
        put(b, DESTINATION_K8S_NODE_NAME, to.node());
        put(b, DESTINATION_CLOUD_PROVIDER, to.cloud());
        put(b, DESTINATION_CLOUD_REGION, to.region());
        put(b, DESTINATION_AGENT_ID, to.agentId());
        put(b, SERVER_ADDRESS, to.address());
        if (c.outcome() != null) {
            b.put(OUTCOME, c.outcome().spelling());
        }
        put(b, RULE, c.rule());
        putChange(b, m.suspectChange());
        return b.build();
    }

    /** {@code network.transport} (OpenTelemetry's lower-case values) of a reachproof protocol: HTTP runs over TCP. */
    static String transport(Protocol protocol) {
        return switch (protocol.transport()) {
            case TCP, HTTP -> "tcp";
            case UDP -> "udp";
            case SCTP -> "sctp";
        };
    }

    private static void putChange(AttributesBuilder b, PolicyChange change) {
        if (change != null) {
            b.put(SUSPECT_CHANGE, change.toString());
            put(b, SUSPECT_CHANGE_UID, change.uid());
        }
    }

    private static void put(AttributesBuilder b, AttributeKey<String> key, String value) {
        if (value != null && !value.isEmpty()) {
            b.put(key, value);
        }
    }
}
