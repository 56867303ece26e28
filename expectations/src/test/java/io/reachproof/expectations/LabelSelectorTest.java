package io.reachproof.expectations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.expectations.LabelSelector.Operator;
import io.reachproof.expectations.LabelSelector.Requirement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Kubernetes LabelSelector semantics: matchLabels and every requirement must hold (AND). */
class LabelSelectorTest {

    private static final Map<String, String> FRONTEND = Map.of("app", "frontend", "tier", "web");

    private static Arguments c(String name, LabelSelector selector, boolean matches) {
        return Arguments.of(name, selector, matches);
    }

    private static LabelSelector expr(String key, Operator op, String... values) {
        return new LabelSelector(Map.of(), List.of(new Requirement(key, op, Set.of(values))));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                c("empty selector matches everything", LabelSelector.EVERYTHING, true),
                c("matchLabels equal", LabelSelector.matchLabels(Map.of("app", "frontend")), true),
                c("matchLabels other value", LabelSelector.matchLabels(Map.of("app", "payments")), false),
                c("matchLabels missing key", LabelSelector.matchLabels(Map.of("team", "shop")), false),
                c("matchLabels all must hold", LabelSelector.matchLabels(Map.of("app", "frontend", "tier", "api")), false),
                c("In with the value", expr("app", Operator.In, "frontend", "checkout"), true),
                c("In without the value", expr("app", Operator.In, "payments"), false),
                c("In on a missing key", expr("team", Operator.In, "shop"), false),
                c("NotIn with the value", expr("app", Operator.NotIn, "frontend"), false),
                c("NotIn with another value", expr("app", Operator.NotIn, "payments"), true),
                c("NotIn on a missing key matches", expr("team", Operator.NotIn, "shop"), true),
                c("Exists with the key", expr("tier", Operator.Exists), true),
                c("Exists without the key", expr("team", Operator.Exists), false),
                c("DoesNotExist without the key", expr("team", Operator.DoesNotExist), true),
                c("DoesNotExist with the key", expr("app", Operator.DoesNotExist), false),
                c("matchLabels and expressions together (AND)", new LabelSelector(Map.of("app", "frontend"),
                        List.of(new Requirement("tier", Operator.In, Set.of("api")))), false),
                c("two expressions, both hold", new LabelSelector(Map.of(), List.of(
                        new Requirement("app", Operator.Exists, Set.of()),
                        new Requirement("tier", Operator.NotIn, Set.of("db")))), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesLikeKubernetes(String name, LabelSelector selector, boolean matches) {
        assertThat(selector.matches(FRONTEND)).isEqualTo(matches);
    }

    @Test
    void inNeedsValuesAndExistsTakesNone() {
        assertThatThrownBy(() -> new Requirement("app", Operator.In, Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("operator In needs at least one value");
        assertThatThrownBy(() -> new Requirement("app", Operator.Exists, Set.of("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("operator Exists takes no values");
    }
}
