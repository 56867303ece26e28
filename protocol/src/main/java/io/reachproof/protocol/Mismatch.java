package io.reachproof.protocol;

import static java.util.Objects.requireNonNull;

/** A cell whose observed verdict contradicts the expected one, and the policy change suspected of it, if known. */
public record Mismatch(MismatchKind kind, CellResult cell, PolicyChange suspectChange) {

    public Mismatch {
        requireNonNull(kind, "kind");
        requireNonNull(cell, "cell");
    }
}
