package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

    private static final String EXAMPLES = "../expectations/examples/";

    private final CliRun cli = new CliRun();


    @Test
    void validFilesExitZeroWithOneSummaryLinePerExpectation() {
        int exit = cli.run("validate", EXAMPLES + "multi-cloud.yaml", EXAMPLES + "lab.yaml", EXAMPLES + "security-baseline.yaml");

        assertThat(exit).isEqualTo(Main.EXIT_OK);
        assertThat(cli.out().lines()).containsExactly(
                EXAMPLES + "multi-cloud.yaml: shop-prod: 5 groups, 7 rules, 40 cells, every 30s, default deny",
                EXAMPLES + "lab.yaml: lab: 3 groups, 3 rules, 5 cells, every 5s, default none",
                EXAMPLES + "security-baseline.yaml: security-baseline: 6 groups, 5 rules, 11 cells, every 1m, default none");
        assertThat(cli.err()).isEmpty();
    }

    @Test
    void anInvalidFileExitsOneWithEveryProblemOnStderrAndNoStackTrace() {
        String file = EXAMPLES + "invalid/mistakes.yaml";

        int exit = cli.run("validate", file);

        assertThat(exit).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.out()).isEmpty();
        assertThat(cli.err().lines())
                .hasSize(13)
                .allSatisfy(line -> assertThat(line).matches("\\Q" + file + "\\E:\\d+:\\d+: .+"))
                .startsWith(file + ":6:13: invalid duration '30 seconds' (expected a Go duration like 30s, 1m30s, 500ms or 2h)")
                .contains(file + ":10:7: unknown key 'podSelectr' in group 'frontend' (did you mean 'podSelector'?)")
                .endsWith(file + ":51:7: conflicting verdicts for frontend -> payments 8443/TCP: deny here, allow at " + file + ":50");
        assertThat(cli.err()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void validExpectationsAreSummarisedEvenWhenAnotherFileIsInvalid() {
        int exit = cli.run("validate", EXAMPLES + "lab.yaml", "no-such-file.yaml");

        assertThat(exit).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.out().lines()).containsExactly(EXAMPLES + "lab.yaml: lab: 3 groups, 3 rules, 5 cells, every 5s, default none");
        assertThat(cli.err().lines()).containsExactly("no-such-file.yaml: no such file");
    }

    @Test
    void deepNestingAndAliasBombsAreProblemsWithPositionsNotStackTraces(@TempDir Path dir) throws IOException {
        Path deep = dir.resolve("deep.yaml");
        Files.writeString(deep, "[".repeat(2000) + "\n");
        StringBuilder bomb = new StringBuilder("a0: &a0 [x, x]\n");
        for (int i = 1; i < 24; i++) {
            bomb.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        }
        Path bombFile = dir.resolve("bomb.yaml");
        Files.writeString(bombFile, bomb);

        int exit = cli.run("validate", deep.toString(), bombFile.toString());

        assertThat(exit).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err().lines()).containsExactly(
                deep + ":1:101: lists and mappings nest more than 100 levels deep (the limit)",
                bombFile + ":14:6: aliases of the anchor &a13 expand the document by more than 100000 nodes (the limit)");
    }

    @Test
    void withoutFilesItIsAUsageError() {
        int exit = cli.run("validate");

        assertThat(exit).isEqualTo(Main.EXIT_USAGE);
        assertThat(cli.err()).contains("Missing required parameter: 'FILE'");
    }
}
