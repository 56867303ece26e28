package io.reachproof.agent.responder;

import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.Responder;
import java.util.LinkedHashMap;
import java.util.Map;

/** What probing the agent's own responders through real sockets showed: one result per responder. */
public record SelfCheck(Map<Responder, ProbeResult> results) {

    public SelfCheck {
        results = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(results));
    }

    /** Whether every responder answered with this agent's identity. */
    public boolean allAnswered() {
        return results.values().stream().allMatch(r -> r.outcome() == Outcome.CONNECTED);
    }

    /** Whether {@code responder} answered with this agent's identity. */
    public boolean answered(Responder responder) {
        ProbeResult r = results.get(responder);
        return r != null && r.outcome() == Outcome.CONNECTED;
    }
}
