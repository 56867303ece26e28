package io.reachproof.coordinator.restore;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What the coordinator does when a confirmed mismatch has a policy change as its suspect, per cluster. */
public enum RollbackMode {
    /** Nothing but the signal (the default). */
    OFF,
    /** Works out the objects it would write, reports them, writes nothing. */
    DRY_RUN,
    /** Restores the last proven versions of the changed policies. */
    APPLY;

    /** {@code off}, {@code dry-run}, {@code apply}. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The mode spelled {@code text}, if any. */
    public static Optional<RollbackMode> parse(String text) {
        return Arrays.stream(values()).filter(m -> m.spelling().equals(text)).findFirst();
    }
}
