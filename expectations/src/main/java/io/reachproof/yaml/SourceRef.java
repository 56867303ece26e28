package io.reachproof.yaml;

import static java.util.Objects.requireNonNull;

/** Where something was written: file, 1-based line and column. */
public record SourceRef(String file, int line, int column) {

    public SourceRef {
        requireNonNull(file, "file");
        if (line < 0) {
            throw new IllegalArgumentException("line must not be negative: " + line);
        }
        if (column < 0) {
            throw new IllegalArgumentException("column must not be negative: " + column);
        }
    }

    /** {@code file:line}, how a rule is named in reports. */
    public String fileLine() {
        return file + ":" + line;
    }

    /** {@code file:line:column}, how an error is located. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
