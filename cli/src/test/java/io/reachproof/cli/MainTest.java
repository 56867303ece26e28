package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {

    private final CliRun cli = new CliRun();


    @Test
    void unknownOptionIsAUsageErrorWithExitTwo() {
        assertThat(cli.run("--bogus")).isEqualTo(Main.EXIT_USAGE);
        assertThat(cli.err()).contains("Unknown option: '--bogus'");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(cli.run()).isEqualTo(Main.EXIT_USAGE);
        assertThat(cli.err()).contains("a command is required");
    }

    @Test
    void helpExitsZero() {
        assertThat(cli.run("--help")).isEqualTo(Main.EXIT_OK);
    }
}
