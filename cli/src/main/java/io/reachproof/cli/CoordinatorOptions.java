package io.reachproof.cli;

import picocli.CommandLine.Option;

/**
 * {@code --coordinator URL [--expectation NAME] [--token T]}, shared by the commands that ask a running
 * coordinator about an expectation set ({@code gate}, {@code status}).
 */
final class CoordinatorOptions extends CoordinatorTarget {

    @Option(names = "--expectation", paramLabel = "NAME",
            description = "the expectation set (may be left out when the coordinator has one)")
    String expectation;
}
