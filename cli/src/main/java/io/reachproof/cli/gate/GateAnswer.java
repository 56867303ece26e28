package io.reachproof.cli.gate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * One answer of the coordinator's gate endpoint.
 *
 * @param body the JSON the endpoint answered (see GateRoute in the coordinator)
 */
public record GateAnswer(int status, JsonNode body) {

    /** The gate's states, as the endpoint names them. */
    public enum State {
        PASS,
        FAIL,
        INCONCLUSIVE,
        PENDING
    }

    public GateAnswer {
        requireNonNull(body, "body");
    }

    /** The state the body names, or null when the answer is an error (400, 401, 404, ...). */
    public State state() {
        JsonNode s = body.get("state");
        if (s == null || !s.isTextual()) {
            return null;
        }
        try {
            return State.valueOf(s.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The endpoint's message or error text. */
    public String message() {
        JsonNode m = body.hasNonNull("message") ? body.get("message") : body.get("error");
        return m == null ? "HTTP " + status : m.asText();
    }
}
