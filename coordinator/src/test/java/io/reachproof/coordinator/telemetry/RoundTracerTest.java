package io.reachproof.coordinator.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.RoundReport;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RoundTracerTest {

    private static final long T0 = 1_790_000_000_000L;

    private final List<SpanData> finished = new CopyOnWriteArrayList<>();

    private SdkTracerProvider provider(Sampler sampler) {
        SpanExporter keep = new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                finished.addAll(spans);
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        return SdkTracerProvider.builder().setSampler(sampler).addSpanProcessor(SimpleSpanProcessor.create(keep)).build();
    }

    @Test
    void mismatchSpansBeyondTheCapAreCountedOnTheRoundSpan() {
        try (SdkTracerProvider provider = provider(Sampler.alwaysOn())) {
            RoundTracer tracer = new RoundTracer(provider.get("test"), 4);

            tracer.onRound(LabReports.round("r-1", T0, true, null));

            assertThat(finished).filteredOn(s -> s.getName().equals("reachproof.mismatch")).hasSize(4);
            SpanData round = finished.stream().filter(s -> s.getName().equals("reachproof.round")).findFirst()
                    .orElseThrow();
            assertThat(round.getAttributes().get(AttributeKey.longKey("reachproof.mismatches.untraced"))).isEqualTo(5);
            assertThat(round.getAttributes().get(AttributeKey.longKey("reachproof.mismatches"))).isEqualTo(9);
        }
    }

    @Test
    void aRoundTheSamplerDropsKeepsANullTraceId() {
        try (SdkTracerProvider provider = provider(Sampler.alwaysOff())) {
            RoundReport out = new RoundTracer(provider.get("test"), 10).onRound(LabReports.round("r-1", T0, true, null));

            assertThat(out.traceId()).isNull();
            assertThat(finished).isEmpty();
        }
    }

    @Test
    void httpRunsOverTcp() {
        assertThat(List.of(RoundTracer.transport(Protocol.HTTP), RoundTracer.transport(Protocol.TCP), RoundTracer.transport(Protocol.UDP),
                RoundTracer.transport(Protocol.SCTP))).containsExactly("tcp", "tcp", "udp", "sctp");
    }

    @Test
    void capMustNotBeNegative() {
        try (SdkTracerProvider provider = provider(Sampler.alwaysOn())) {
            assertThatThrownBy(() -> new RoundTracer(provider.get("test"), -1))
                    .hasMessage("maxMismatchSpans must not be negative: -1");
        }
    }
}
