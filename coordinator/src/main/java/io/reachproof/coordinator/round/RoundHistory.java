package io.reachproof.coordinator.round;

import io.reachproof.protocol.RoundReport;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The finished rounds the coordinator keeps (bounded, newest first), per expectation set. */
public interface RoundHistory {

    /** Names of the expectation sets the coordinator schedules. */
    Set<String> expectations();

    /** Retained finished reports of {@code expectation}, newest first; empty for an unknown name. */
    List<RoundReport> reports(String expectation);

    /** The newest finished report of {@code expectation}. */
    default Optional<RoundReport> latest(String expectation) {
        List<RoundReport> all = reports(expectation);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }
}
