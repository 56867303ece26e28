package io.reachproof.coordinator.restore;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.PolicyChange;
import java.util.List;
import java.util.Locale;

/**
 * What one rollback did (or would do, or why it did nothing).
 *
 * @param id unique per rollback; the idempotency key of its webhook delivery
 * @param trigger {@code signal KEY} (a confirmed mismatch) or {@code manual}
 * @param suspectChange the change rolled back, null for a manual rollback
 * @param versionId the proven set restored, null when there was none
 * @param provenRoundId the round that proved it, null when there was none
 * @param actions what was written ({@link Outcome#APPLIED}), would be ({@link Outcome#DRY_RUN}) or failed part-way
 *     ({@link Outcome#FAILED}: the actions before the failing one were written)
 */
public record RollbackRecord(String id, long atEpochMillis, String cluster, String group, String trigger,
        PolicyChange suspectChange, RollbackMode mode, Outcome outcome, String message, String versionId,
        String provenRoundId, List<RestorePlan.Action> actions) {

    public enum Outcome {
        /** The proven versions were written. */
        APPLIED,
        /** Dry run: the actions are what apply mode would write; nothing was written. */
        DRY_RUN,
        /** The change came back after it was rolled back once: not rolled back again (no fight with GitOps). */
        NOT_AGAIN,
        /** No proven set of the cluster is known: nothing to restore to. */
        NOTHING_PROVEN,
        /** The policies in the rollback's namespaces already are the proven ones. */
        NOTHING_TO_DO,
        /** The API server refused a write; {@code message} says which and why. */
        FAILED;

        public String spelling() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public RollbackRecord {
        requireNonNull(id, "id");
        requireNonNull(cluster, "cluster");
        requireNonNull(group, "group");
        requireNonNull(trigger, "trigger");
        requireNonNull(mode, "mode");
        requireNonNull(outcome, "outcome");
        requireNonNull(message, "message");
        actions = List.copyOf(actions);
    }
}
