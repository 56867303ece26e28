package io.reachproof.coordinator.round;

import java.util.List;

/**
 * Input files that cannot be used, with every problem found in them, each as
 * {@code FILE:LINE:COLUMN: message}. Nothing of such files is used.
 */
public abstract class InvalidFiles extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    protected InvalidFiles(List<String> problems) {
        super(String.join("\n", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
