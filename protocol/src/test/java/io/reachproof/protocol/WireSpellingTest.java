package io.reachproof.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WireSpellingTest {

    private final ObjectMapper mapper = Json.mapper();

    static Stream<Arguments> spellings() {
        return Stream.of(
                Arguments.of(Verdict.ALLOW, "allow"),
                Arguments.of(Verdict.DENY, "deny"),
                Arguments.of(ObservedVerdict.ALLOW, "allow"),
                Arguments.of(ObservedVerdict.DENY, "deny"),
                Arguments.of(ObservedVerdict.INCONCLUSIVE, "inconclusive"),
                Arguments.of(Outcome.CONNECTED, "CONNECTED"),
                Arguments.of(Outcome.WRONG_PEER, "WRONG_PEER"),
                Arguments.of(MismatchKind.HOLE, "HOLE"),
                Arguments.of(MismatchKind.BLOCKED, "BLOCKED"),
                Arguments.of(InconclusiveReason.NO_AGENTS, "NO_AGENTS"),
                Arguments.of(Protocol.TCP, "TCP"),
                Arguments.of(Protocol.HTTP, "HTTP"));
    }

    @ParameterizedTest(name = "{0} is spelled {1}")
    @MethodSource("spellings")
    void everyValueHasOneSpellingAndReadsBackInAnyCase(Enum<?> value, String spelling) throws Exception {
        Class<?> type = value.getDeclaringClass();

        assertThat(mapper.writeValueAsString(value)).isEqualTo("\"" + spelling + "\"");
        assertThat(mapper.readValue("\"" + spelling + "\"", type)).isEqualTo(value);
        assertThat(mapper.readValue("\"" + spelling.toUpperCase(Locale.ROOT) + "\"", type)).isEqualTo(value);
        assertThat(mapper.readValue("\"" + spelling.toLowerCase(Locale.ROOT) + "\"", type)).isEqualTo(value);
    }

    @Test
    void verdictsAreLowerCaseAndTheOtherValuesTheirNames() {
        assertThat(Stream.of(Verdict.values()).map(Verdict::spelling)).containsExactly("allow", "deny");
        assertThat(Stream.of(ObservedVerdict.values()).map(ObservedVerdict::spelling))
                .containsExactly("allow", "deny", "inconclusive");
        assertThat(Stream.of(Outcome.values())).allMatch(o -> o.spelling().equals(o.name()));
        assertThat(Stream.of(MismatchKind.values())).allMatch(k -> k.spelling().equals(k.name()));
        assertThat(Stream.of(InconclusiveReason.values())).allMatch(r -> r.spelling().equals(r.name()));
        assertThat(Stream.of(Protocol.values())).allMatch(p -> p.spelling().equals(p.name()));
    }

    @Test
    void anUnknownSpellingNamesTheValidOnes() {
        assertThatThrownBy(() -> mapper.readValue("\"maybe\"", Verdict.class))
                .isInstanceOf(ValueInstantiationException.class)
                .hasRootCauseMessage("unknown verdict 'maybe', expected one of allow, deny");
    }

    @Test
    void aTaskFromAnOlderCoordinatorWithACellKeyStillReads() throws Exception {
        ProbeTask task = mapper.readValue("{\"taskId\":\"r1/0\",\"cellKey\":\"lab|a->b|80/TCP|c1->c2\",\"protocol\":\"TCP\","
                + "\"host\":\"10.0.0.2\",\"port\":80,\"attempts\":2,\"timeoutMillis\":500,\"statusMin\":200,\"statusMax\":299}",
                ProbeTask.class);

        assertThat(task).isEqualTo(ProbeTask.of("r1/0", Protocol.TCP, "10.0.0.2", 80, null, null, null, 2, 500));
        assertThat(mapper.writeValueAsString(task)).contains("\"protocol\":\"TCP\"").doesNotContain("cellKey");
    }
}
