package io.reachproof.cli.conformance;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a feature fared: proved, disproved, or not provable on this cluster. */
public enum FeatureStatus {
    PASS("pass"), FAIL("fail"), NOT_SUPPORTED("not supported");

    private final String text;

    FeatureStatus(String text) {
        this.text = text;
    }

    @JsonValue
    public String text() {
        return text;
    }
}
