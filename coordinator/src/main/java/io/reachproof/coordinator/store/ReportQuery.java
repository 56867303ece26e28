package io.reachproof.coordinator.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** The period and filters of a report: {@code [since, until)}, one cluster and one expectation set if given. */
public record ReportQuery(Instant since, Instant until, Optional<String> cluster, Optional<String> expectation) {

    public ReportQuery {
        requireNonNull(since, "since");
        requireNonNull(until, "until");
        requireNonNull(cluster, "cluster");
        requireNonNull(expectation, "expectation");
        if (!until.isAfter(since)) {
            throw new IllegalArgumentException("until must be after since: " + since + " .. " + until);
        }
    }
}
