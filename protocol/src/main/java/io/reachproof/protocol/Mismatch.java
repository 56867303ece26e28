package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A cell whose observed verdict contradicts the expected one, and the policy change suspected of it, if known.
 * Its {@link #kind()} follows from the cell; a cell that is no mismatch is refused.
 */
@JsonPropertyOrder({"kind", "cell", "suspectChange"})
@JsonIgnoreProperties(value = "kind", allowGetters = true)
public record Mismatch(CellResult cell, PolicyChange suspectChange) {

    public Mismatch {
        requireNonNull(cell, "cell");
        if (!isMismatch(cell)) {
            throw new IllegalArgumentException("not a mismatch: expected " + cell.expected().spelling() + ", observed "
                    + cell.observed().spelling());
        }
    }

    /** Whether {@code cell}'s observed verdict contradicts its expected one. */
    public static boolean isMismatch(CellResult cell) {
        return MismatchKind.of(cell.expected(), cell.observed()) != null;
    }

    /** HOLE (expected deny, observed allow) or BLOCKED (expected allow, observed deny). */
    @JsonProperty("kind")
    public MismatchKind kind() {
        return MismatchKind.of(cell.expected(), cell.observed());
    }
}
