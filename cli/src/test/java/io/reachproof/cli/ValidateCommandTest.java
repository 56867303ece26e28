package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ValidateCommandTest {

    private static final String EXAMPLES = "../expectations/examples/";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void validFilesExitZeroWithOneSummaryLinePerExpectation() {
        int exit = run("validate", EXAMPLES + "multi-cloud.yaml", EXAMPLES + "lab.yaml", EXAMPLES + "security-baseline.yaml");

        assertThat(exit).isEqualTo(Main.EXIT_OK);
        assertThat(out.toString().lines()).containsExactly(
                EXAMPLES + "multi-cloud.yaml: shop-prod: 5 groups, 7 rules, 40 cells, every 30s, default deny",
                EXAMPLES + "lab.yaml: lab: 3 groups, 3 rules, 5 cells, every 5s, default none",
                EXAMPLES + "security-baseline.yaml: security-baseline: 6 groups, 5 rules, 11 cells, every 1m, default none");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void anInvalidFileExitsOneWithEveryProblemOnStderrAndNoStackTrace() {
        String file = EXAMPLES + "invalid/mistakes.yaml";

        int exit = run("validate", file);

        assertThat(exit).isEqualTo(Main.EXIT_FAILED);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().lines())
                .hasSize(13)
                .allSatisfy(line -> assertThat(line).matches("\\Q" + file + "\\E:\\d+:\\d+: .+"))
                .startsWith(file + ":6:13: invalid duration '30 seconds' (expected a Go duration like 30s, 1m30s, 500ms or 2h)")
                .contains(file + ":10:7: unknown key 'podSelectr' in group 'frontend' (did you mean 'podSelector'?)")
                .endsWith(file + ":51:7: conflicting verdicts for frontend -> payments 8443/TCP: deny here, allow at " + file + ":50");
        assertThat(err.toString()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void validExpectationsAreSummarisedEvenWhenAnotherFileIsInvalid() {
        int exit = run("validate", EXAMPLES + "lab.yaml", "no-such-file.yaml");

        assertThat(exit).isEqualTo(Main.EXIT_FAILED);
        assertThat(out.toString().lines()).containsExactly(EXAMPLES + "lab.yaml: lab: 3 groups, 3 rules, 5 cells, every 5s, default none");
        assertThat(err.toString().lines()).containsExactly("no-such-file.yaml: no such file");
    }

    @Test
    void withoutFilesItIsAUsageError() {
        int exit = run("validate");

        assertThat(exit).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("Missing required parameter: 'FILE'");
    }
}
