package io.reachproof.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class AgentIdentityTest {

    private static AgentIdentity identity(String agentId, String cluster, String node) {
        return new AgentIdentity(agentId, cluster, "aws", "us-east-1", node, "shop", "frontend-0", List.of(),
                Map.of(), Map.of(), List.of(), Set.of());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "kubernetes name       | frontend-0",
        "namespace and pod     | shop/frontend-0",
        "lab style             | aws-lab/shop/checkout-0",
        "dots colons under     | a.b:c_d",
    })
    void validIdsAreKept(String name, String id) {
        assertThat(identity(id, "aws-lab", "").agentId()).isEqualTo(id);
    }

    static Stream<Arguments> badAgentIds() {
        String rule = "agentId must be 1..253 characters of [A-Za-z0-9._:/-]: ";
        return Stream.of(
                Arguments.of("NUL", "fe\u00001", rule + "character 3 is U+0000"),
                Arguments.of("lone surrogate", "fe\uD800", rule + "character 3 is U+D800"),
                Arguments.of("space inside", "fe 1", rule + "character 3 is U+0020"),
                Arguments.of("newline", "fe\n1", rule + "character 3 is U+000A"),
                Arguments.of("too long", "a".repeat(254), rule + "got 254 characters"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badAgentIds")
    void badAgentIdsAreRefusedNamingTheFieldAndCharacter(String name, String id, String message) {
        assertThatThrownBy(() -> identity(id, "aws-lab", "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @org.junit.jupiter.api.Test
    void aHugeAgentIdIsRefusedWithItsLengthNotItsText() {
        String huge = "a".repeat(3_900_000);
        assertThatThrownBy(() -> identity(huge, "aws-lab", "")).hasMessage(
                "agentId must be 1..253 characters of [A-Za-z0-9._:/-]: got 3900000 characters");
        assertThat(identity("a".repeat(253), "aws-lab", "").agentId()).hasSize(253);
    }

    @org.junit.jupiter.api.Test
    void clusterAndOtherNamesAreCheckedTooButMayBeEmptyWhereOptional() {
        assertThatThrownBy(() -> identity("fe-1", "", "")).hasMessage(
                "cluster must be 1..253 characters of [A-Za-z0-9._:/-]: got 0 characters");
        assertThatThrownBy(() -> identity("fe-1", "c1", "node\u00001")).hasMessage(
                "node must be 1..253 characters of [A-Za-z0-9._:/-]: character 5 is U+0000");
        assertThat(identity("fe-1", "c1", null).node()).isEmpty();
    }
}
