package io.reachproof.coordinator.round;

import static java.util.Objects.requireNonNull;

import io.reachproof.expectations.ConnectivityExpectation;
import io.reachproof.expectations.GroupCell;
import java.util.List;

/** An expectation set the coordinator proves, with its group cells resolved. */
public record LoadedExpectation(ConnectivityExpectation expectation, List<GroupCell> cells) {

    public LoadedExpectation {
        requireNonNull(expectation, "expectation");
        cells = List.copyOf(requireNonNull(cells, "cells"));
    }

    public String name() {
        return expectation.name();
    }
}
