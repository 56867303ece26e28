package io.reachproof.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class MismatchTest {

    private static final EndpointRef A = new EndpointRef("a", "aws-lab", "aws", "", "", "shop", "frontend-0", "127.0.0.1");
    private static final EndpointRef B = new EndpointRef("b", "gcp-lab", "gcp", "", "", "payments", "payments-1", "127.0.0.2");

    private static CellResult cell(Verdict expected, ObservedVerdict observed) {
        return new CellResult("frontend", A, "payments", B, 7001, Protocol.TCP, expected, observed,
                observed == ObservedVerdict.INCONCLUSIVE ? InconclusiveReason.TARGET_LOST : null,
                observed == ObservedVerdict.ALLOW ? Outcome.CONNECTED : Outcome.TIMEOUT, 2, 100, "lab.yaml:30", null);
    }

    @Test
    void expectedDenyObservedAllowIsAHole() {
        assertThat(new Mismatch(cell(Verdict.DENY, ObservedVerdict.ALLOW), null).kind()).isEqualTo(MismatchKind.HOLE);
    }

    @Test
    void expectedAllowObservedDenyIsBlocked() {
        assertThat(new Mismatch(cell(Verdict.ALLOW, ObservedVerdict.DENY), null).kind()).isEqualTo(MismatchKind.BLOCKED);
    }

    @Test
    void aCellAsExpectedIsNoMismatch() {
        assertThat(Mismatch.isMismatch(cell(Verdict.ALLOW, ObservedVerdict.ALLOW))).isFalse();
        assertThatThrownBy(() -> new Mismatch(cell(Verdict.DENY, ObservedVerdict.DENY), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a mismatch: expected deny, observed deny");
    }

    @Test
    void anInconclusiveCellIsNoMismatch() {
        assertThat(Mismatch.isMismatch(cell(Verdict.ALLOW, ObservedVerdict.INCONCLUSIVE))).isFalse();
        assertThatThrownBy(() -> new Mismatch(cell(Verdict.ALLOW, ObservedVerdict.INCONCLUSIVE), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a mismatch: expected allow, observed inconclusive");
    }

    @Test
    void aMismatchSaysItsKindOnTheWireAndReadsBack() throws Exception {
        ObjectMapper mapper = Json.mapper();
        Mismatch hole = new Mismatch(cell(Verdict.DENY, ObservedVerdict.ALLOW), null);

        String json = mapper.writeValueAsString(hole);

        assertThat(json).startsWith("{\"kind\":\"HOLE\",\"cell\":{");
        assertThat(json).contains("\"expected\":\"deny\",\"observed\":\"allow\"");
        assertThat(mapper.readValue(json, Mismatch.class)).isEqualTo(hole);
    }
}
