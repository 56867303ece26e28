package io.reachproof.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reachproof.cli.dataplane.CniProfile;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.Protocol;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One conformance report, three renderings. */
class ConformanceReportWriterTest {

    private static final CellCheck ALLOWED = new CellCheck("endport/client", "endport/server", 81, Protocol.TCP, true);

    private static ConformanceReport report() {
        FeatureResult endPort = FeatureJudge.judge(Feature.END_PORT, List.of(new CellObservation(ALLOWED, Outcome.TIMEOUT, "")));
        FeatureResult udp = FeatureJudge.judge(Feature.UDP, List.of(new CellObservation(
                new CellCheck("udp/client", "udp/server", 53, Protocol.UDP, true), Outcome.CONNECTED, "")));
        FeatureResult sctp = FeatureJudge.notSupported(Feature.SCTP, "this kernel has no SCTP");
        return new ConformanceReport(ConformanceReport.Subject.lab("edge-lab", CniProfile.NO_ENDPORT, Duration.ZERO),
                List.of(endPort, udp, sctp),
                ConformanceSuite.documentedDeviations(CniProfile.NO_ENDPORT), true, 300, 8_700);
    }

    @Test
    void textIsATableWithTheCountsAndWhetherTheDeviationsAreTheDocumentedOnes() {
        String text = ConformanceReportWriter.text(report());

        assertThat(text).startsWith("conformance of lab cluster edge-lab (CNI profile no-endport: endPort is ignored: a port"
                + " range allows its first port only)\n3 features: 1 pass, 1 fail, 1 not supported, proved with real probes in"
                + " 8.7 s (rules landed after 0.3 s)\n")
                .contains("endPort              fail           endport/client -> endport/server 81/TCP: expected allow, TIMEOUT\n",
                        "SCTP                 not supported  this kernel has no SCTP\n")
                .endsWith("deviations from the specification: endPort\nprofile no-endport documents: endPort -> exactly as"
                        + " documented\n");
    }

    @Test
    void markdownIsATableWithFailuresInBold() {
        assertThat(ConformanceReportWriter.markdown(report())).contains("| feature | result | evidence |",
                "| endPort | **fail** | endport/client -> endport/server 81/TCP: expected allow, TIMEOUT |",
                "| SCTP | not supported | this kernel has no SCTP |");
    }

    @Test
    void jsonCarriesEveryProbeAndTheDeviations() throws Exception {
        JsonNode json = Json.mapper().readTree(ConformanceReportWriter.json(report(), Json.mapper()));

        assertThat(json.get("profile").asText()).isEqualTo("no-endport");
        assertThat(json.get("features").get(0).get("status").asText()).isEqualTo("fail");
        assertThat(json.get("features").get(0).get("probes").get(0).toString()).isEqualTo("{\"from\":\"endport/client\","
                + "\"to\":\"endport/server\",\"port\":81,\"protocol\":\"TCP\",\"expected\":\"allow\",\"outcome\":\"TIMEOUT\"}");
        assertThat(json.get("features").get(2).get("status").asText()).isEqualTo("not supported");
        assertThat(json.get("deviations").toString()).isEqualTo("[\"end-port\"]");
        assertThat(json.get("asDocumented").asBoolean()).isTrue();
    }
}
