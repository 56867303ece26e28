package io.reachproof.coordinator.evaluate;

import static io.reachproof.coordinator.testing.RoundReports.round;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.RoundReport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundReportJsonTest {

    private final ObjectMapper mapper = Json.mapper();

    @Test
    void aReportSpellsExpectedAndObservedVerdictsTheSameWay() throws Exception {
        RoundReport report = round("lab", "r1", 1000).hole("frontend", "payments", 7001).ok("frontend", "checkout", 7001)
                .blocked("checkout", "payments", 7002).inconclusive("checkout", "payments", 7003, "deny").build();

        JsonNode json = mapper.readTree(mapper.writeValueAsBytes(report));

        List<String> cells = new ArrayList<>();
        json.get("cells").forEach(c -> cells.add(c.get("expected").asText() + " " + c.get("observed").asText() + " "
                + c.get("protocol").asText() + " " + c.get("outcome").asText() + " " + c.get("reason").asText()));
        assertThat(cells).containsExactly("deny allow TCP CONNECTED null", "allow allow TCP CONNECTED null",
                "allow deny TCP TIMEOUT null", "deny inconclusive TCP null TARGET_LOST");
        JsonNode hole = json.get("mismatches").get(0);
        assertThat(hole.get("kind").asText()).isEqualTo("HOLE");
        assertThat(hole.get("cell").get("expected").asText()).isEqualTo("deny");
        assertThat(hole.get("cell").get("observed").asText()).isEqualTo("allow");
        assertThat(mapper.readValue(mapper.writeValueAsBytes(report), RoundReport.class)).isEqualTo(report);
    }
}
