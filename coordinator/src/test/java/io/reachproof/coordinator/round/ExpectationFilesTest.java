package io.reachproof.coordinator.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExpectationFilesTest {

    @Test
    void deeplyNestedExpectationsAreAProblemAtTheirPositionNotAStackOverflow() {
        String nested = "apiVersion: reachproof.io/v1alpha1\nkind: ConnectivityExpectation\nmetadata: {name: " + "[".repeat(2000) + "\n";

        assertThatThrownBy(() -> ExpectationFiles.load("deep.yaml", nested))
                .isInstanceOfSatisfying(ExpectationFiles.InvalidExpectations.class, e -> assertThat(e.problems()).containsExactly(
                        "deep.yaml:3:116: lists and mappings nest more than 100 levels deep (the limit)"));
    }
}
