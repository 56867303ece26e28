package io.reachproof.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collection;
import java.util.SortedMap;
import java.util.TreeMap;

/** Why a cell's observed verdict is {@link ObservedVerdict#INCONCLUSIVE}. */
public enum InconclusiveReason {
    /** The target agent missed its heartbeats. */
    TARGET_LOST,
    /** The target agent's own responders failed (or have not passed) their self-check this round. */
    TARGET_SELF_CHECK_FAILED,
    /** The probing agent had a local fault (outcome ERROR). */
    LOCAL_ERROR,
    /** Something else answered at the target's address. */
    WRONG_PEER,
    /** No result arrived for the cell in the round. */
    NO_RESULT,
    /** A deny was seen, but fewer failed attempts than a BLOCKED needs. */
    TOO_FEW_ATTEMPTS,
    /**
     * Nothing could be probed: the source or the destination group has no registered agent in the cell's
     * cluster (none deployed, none matching the group's selectors, or all gone), or only one agent is both.
     */
    NO_AGENTS,
    /**
     * Workload mode: no agent in workload mode runs on the node of the cell's source pod (nothing can probe from
     * it) or of its destination pod (nothing can make its port answer and check it).
     */
    NO_AGENT_ON_NODE;

    /** Its name, e.g. {@code NO_AGENTS}: the spelling in JSON and text. */
    @JsonValue
    public String spelling() {
        return name();
    }

    /** The value spelled {@code text}, in any case. */
    @JsonCreator
    public static InconclusiveReason parse(String text) {
        return Spelling.parse("inconclusive reason", values(), InconclusiveReason::spelling, text);
    }


    /** How many of {@code cells} are inconclusive for each reason, by reason name: {@code {NO_AGENTS=2, TARGET_LOST=1}}. */
    public static SortedMap<String, Long> countIn(Collection<CellResult> cells) {
        SortedMap<String, Long> counts = new TreeMap<>();
        for (CellResult c : cells) {
            if (c.reason() != null) {
                counts.merge(c.reason().name(), 1L, Long::sum);
            }
        }
        return counts;
    }
}
