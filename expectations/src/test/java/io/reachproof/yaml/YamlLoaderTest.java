package io.reachproof.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

class YamlLoaderTest {

    private static final YamlLoader DEFAULTS = new YamlLoader(YamlLimits.DEFAULTS);

    @TempDir
    Path dir;

    /** {@code levels} lists, each holding the one before twice: 2^levels leaves in a few hundred bytes. */
    static String aliasBomb(int levels) {
        StringBuilder yaml = new StringBuilder("a0: &a0 [x, x]\n");
        for (int i = 1; i < levels; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        }
        return yaml.toString();
    }

    @Test
    void everyDocumentComesWithItsPositions() {
        YamlLoader.Loaded loaded = DEFAULTS.load("f.yaml", "a: 1\n---\nb: [x]\n");

        assertThat(loaded.ok()).isTrue();
        assertThat(loaded.documents()).hasSize(2);
        MappingNode second = (MappingNode) loaded.documents().get(1);
        assertThat(NodeReader.at("f.yaml", second.getValue().get(0).getValueNode())).hasToString("f.yaml:3:4");
    }

    @Test
    void aSyntaxErrorKeepsTheDocumentsBeforeIt() {
        YamlLoader.Loaded loaded = DEFAULTS.load("f.yaml", "a: 1\n---\nb: [x\n");

        assertThat(loaded.documents()).hasSize(1);
        assertThat(loaded.syntaxError()).contains(new YamlLoader.SyntaxError(new SourceRef("f.yaml", 4, 1),
                Optional.of("while parsing a flow sequence"), "expected ',' or ']', but got <stream end>"));
    }

    @Test
    void anAliasBombIsAProblemAtTheAnchorThatCrossesTheBudget() {
        String bomb = aliasBomb(20);
        assertThat(bomb.length()).isLessThan(700);

        YamlLoader.Loaded loaded = DEFAULTS.load("bomb.yaml", bomb);

        assertThat(loaded.documents()).isEmpty();
        assertThat(loaded.problems()).map(Problem::toString).containsExactly(
                "bomb.yaml:14:6: aliases of the anchor &a13 expand the document by more than 100000 nodes (the limit)");
    }

    @Test
    void aliasesWithinTheBudgetAreRead() {
        YamlLoader loader = new YamlLoader(new YamlLimits(1024, 10, 8));

        assertThat(loader.load("f.yaml", "a: &a [1, 2, 3]\nb: *a\nc: *a\n").ok()).isTrue();
        assertThat(loader.load("f.yaml", "a: &a [1, 2, 3]\nb: *a\nc: *a\nd: *a\n").problems()).map(Problem::toString)
                .containsExactly("f.yaml:1:4: aliases of the anchor &a expand the document by more than 8 nodes (the limit)");
    }

    @Test
    void aRecursiveAliasIsAProblem() {
        assertThat(DEFAULTS.load("f.yaml", "a: &a [x, *a]\n").problems()).map(Problem::toString)
                .containsExactly("f.yaml:1:4: the anchor &a refers to itself (a recursive alias)");
    }

    @Test
    void nestingDeeperThanTheLimitStopsTheParserAtTheFirstLevelTooDeep() {
        YamlLoader.Loaded loaded = DEFAULTS.load("deep.yaml", "[".repeat(2000));

        assertThat(loaded.documents()).isEmpty();
        assertThat(loaded.syntaxError()).isEmpty();
        assertThat(loaded.problems()).map(Problem::toString)
                .containsExactly("deep.yaml:1:101: lists and mappings nest more than 100 levels deep (the limit)");
    }

    @Test
    void nestingThroughAliasesCountsTheExpandedDepth() {
        YamlLoader loader = new YamlLoader(new YamlLimits(1024, 5, 100));

        assertThat(loader.load("f.yaml", "a: &a [[[1]]]\nb: [*a]\n").ok()).isTrue();
        assertThat(loader.load("f.yaml", "a: &a [[[1]]]\nb: [[*a]]\n").problems()).map(Problem::toString)
                .containsExactly("f.yaml:1:1: with its aliases expanded, lists and mappings nest more than 5 levels deep (the limit)");
    }

    @Test
    void aFileOverTheSizeLimitIsAProblemBeforeAnyParsing() throws Exception {
        YamlLoader loader = new YamlLoader(new YamlLimits(10, 10, 10));
        Path file = dir.resolve("big.yaml");
        Files.writeString(file, "a: [" + "x, ".repeat(100));

        assertThat(loader.load(file).problems()).map(Problem::toString)
                .containsExactly(file + ": the file has 304 bytes, more than the limit of 10");
        assertThat(loader.load("t.yaml", "k: ééééé").problems()).map(Problem::toString)
                .containsExactly("t.yaml: the file has 13 bytes, more than the limit of 10");
        assertThat(loader.load("t.yaml", "k: ééé").ok()).isTrue();
    }

    @Test
    void aMissingOrNonUtf8FileIsAProblemNamingIt() throws Exception {
        Path missing = dir.resolve("missing.yaml");
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, "k: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(DEFAULTS.load(missing).problems()).map(Problem::toString).containsExactly(missing + ": no such file");
        assertThat(DEFAULTS.load(latin1).problems()).map(Problem::toString).containsExactly(latin1 + ": not UTF-8 text");
    }

    @Test
    void oneLongScalarIsReadInOnePass() {
        // 8 MB: 27 s with snakeyaml-engine's default 1 KiB read buffer (quadratic), well under a second now
        String value = "a".repeat(8 * 1024 * 1024);

        YamlLoader.Loaded loaded = new YamlLoader(new YamlLimits(64 << 20, 100, 100_000)).load("long.yaml", "k: " + value + "\n");

        ScalarNode scalar = (ScalarNode) ((MappingNode) loaded.documents().get(0)).getValue().get(0).getValueNode();
        assertThat(scalar.getValue()).hasSize(value.length());
    }

    @Test
    void limitsRefuseValuesThatCannotWork() {
        assertThatThrownBy(() -> new YamlLimits(0, 1, 0)).hasMessage("maxFileBytes must be in 1..2147483647: 0");
        assertThatThrownBy(() -> new YamlLimits(1, 0, 0)).hasMessage("maxNestingDepth must be positive: 0");
        assertThatThrownBy(() -> new YamlLimits(1, 1, -1)).hasMessage("maxAliasExpandedNodes must not be negative: -1");
    }
}
