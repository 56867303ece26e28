package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The CI examples in deploy/ci/ for pull requests: valid YAML, and every reachproof command line in them parses. */
class PolicyReviewCiTest {

    private static final Path CI = Path.of("..", "deploy", "ci");
    private static final Pattern COMMAND = Pattern.compile("java -jar reachproof\\.jar ((?:[^\\n|>;]|\\\\\\n|\\n {8,})+)");

    @ParameterizedTest
    @ValueSource(strings = {"github-actions-policy-review.yaml", "gitlab-ci.yaml"})
    void everyReachproofCommandLineParsesAndTheFlowIsCheckDiffThenGate(String file) throws IOException {
        String text = Files.readString(CI.resolve(file));
        new Load(LoadSettings.builder().build()).loadFromString(text);

        List<String> commands = new ArrayList<>();
        Matcher m = COMMAND.matcher(text);
        while (m.find()) {
            List<String> args = words(m.group(1));
            Main.commandLine().parseArgs(args.toArray(String[]::new));
            commands.add(args.get(0));
        }

        assertThat(commands).containsSubsequence("snapshot", "diff", "check", "gate");
        assertThat(text).contains("--before \"git:origin/").contains("--format markdown").contains("--format junit");
    }

    /** The words of a shell command line: line continuations joined, quotes removed, globs kept as they are. */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        for (String w : line.replaceAll("\\$\\{\\{[^}]*}}", "EXPR").replace("\\\n", " ").replace("\n", " ").trim().split("\\s+")) {
            words.add(w.replace("\"", ""));
        }
        return words;
    }
}
