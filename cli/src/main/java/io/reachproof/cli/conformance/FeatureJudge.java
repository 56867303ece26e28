package io.reachproof.cli.conformance;

import io.reachproof.protocol.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Observations -> a feature's verdict with its evidence. Pure. */
public final class FeatureJudge {

    private FeatureJudge() {
    }

    /** Pass when every probe did what the feature's policies imply; else fail, naming each probe that did not. */
    public static FeatureResult judge(Feature feature, List<CellObservation> cells) {
        if (cells.isEmpty()) {
            throw new IllegalArgumentException("feature " + feature.id() + " needs probes");
        }
        List<CellObservation> wrong = cells.stream().filter(c -> !c.asExpected()).toList();
        if (wrong.isEmpty()) {
            return new FeatureResult(feature, FeatureStatus.PASS, cells.stream().map(c -> c.check().describe() + " "
                    + c.outcome()).collect(Collectors.joining("; ")), cells);
        }
        return new FeatureResult(feature, FeatureStatus.FAIL, wrong.stream().map(CellObservation::describe)
                .collect(Collectors.joining("; ")), cells);
    }

    /**
     * Deny as drop: every probe must be denied, and by silence ({@code TIMEOUT}); a reset ({@code REFUSED}) or an ICMP
     * error ({@code UNREACHABLE}) is a rejecting CNI, and a connection is no deny at all.
     */
    public static FeatureResult judgeDenyMode(List<CellObservation> cells) {
        if (cells.isEmpty() || cells.stream().anyMatch(c -> c.check().allowed())) {
            throw new IllegalArgumentException("deny as drop is proved by denied probes only");
        }
        List<CellObservation> through = cells.stream().filter(CellObservation::connected).toList();
        if (!through.isEmpty()) {
            return new FeatureResult(Feature.DENY_DROPS, FeatureStatus.FAIL, "not denied at all: " + through.stream()
                    .map(CellObservation::describe).collect(Collectors.joining("; ")), cells);
        }
        List<CellObservation> answered = cells.stream().filter(c -> c.outcome() == Outcome.REFUSED
                || c.outcome() == Outcome.UNREACHABLE).toList();
        if (!answered.isEmpty()) {
            return new FeatureResult(Feature.DENY_DROPS, FeatureStatus.FAIL, "denied traffic is rejected, not dropped: "
                    + answered.stream().map(c -> c.check().port() + "/" + c.check().protocol() + " " + c.outcome()
                    + (c.outcome() == Outcome.REFUSED ? " (a reset)" : " (an ICMP error)")).collect(Collectors.joining(", ")),
                    cells);
        }
        List<CellObservation> other = cells.stream().filter(c -> c.outcome() != Outcome.TIMEOUT).toList();
        if (!other.isEmpty()) {
            return new FeatureResult(Feature.DENY_DROPS, FeatureStatus.FAIL, "could not probe: " + other.stream()
                    .map(CellObservation::describe).collect(Collectors.joining("; ")), cells);
        }
        return new FeatureResult(Feature.DENY_DROPS, FeatureStatus.PASS, "denied " + cells.stream().map(c -> c.check().port()
                + "/" + c.check().protocol()).collect(Collectors.joining(" and ")) + " dropped: silence (TIMEOUT)", cells);
    }

    /**
     * Enforcement delay: how long a changed policy and a new pod stayed open ({@code empty}: still open when the
     * measure gave up after {@code timeout}); pass when both were enforced within {@code limit}.
     */
    public static FeatureResult judgeDelay(Optional<Duration> policyChange, Optional<Duration> newPod, Duration limit,
            Duration timeout, List<CellObservation> cells) {
        String evidence = "a changed policy " + window(policyChange, timeout) + ", a new pod " + window(newPod, timeout)
                + " (limit " + limit.toMillis() + " ms)";
        boolean pass = policyChange.isPresent() && newPod.isPresent() && policyChange.get().compareTo(limit) <= 0
                && newPod.get().compareTo(limit) <= 0;
        return new FeatureResult(Feature.ENFORCEMENT_DELAY, pass ? FeatureStatus.PASS : FeatureStatus.FAIL, evidence, cells);
    }

    private static String window(Optional<Duration> open, Duration timeout) {
        return open.map(d -> "enforced after " + d.toMillis() + " ms").orElse("still open after " + timeout.toMillis()
                + " ms");
    }

    /** A feature this cluster cannot be probed for, and why. */
    public static FeatureResult notSupported(Feature feature, String why) {
        return new FeatureResult(feature, FeatureStatus.NOT_SUPPORTED, why, List.of());
    }
}
