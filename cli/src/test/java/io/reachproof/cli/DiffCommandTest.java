package io.reachproof.cli;

import static io.reachproof.cli.CheckCommandTest.DUMP;
import static io.reachproof.cli.CheckCommandTest.MANIFESTS;
import static io.reachproof.cli.CheckCommandTest.PROMISES;
import static io.reachproof.cli.CheckCommandTest.golden;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code reachproof diff} on the example shop cluster: a policy change, read from files or from a git revision. */
class DiffCommandTest {

    private final CliRun cli = new CliRun();
    private final ObjectMapper mapper = new ObjectMapper();

    /** A pull request's version of the manifests: frontend http from shop only, checkout metrics from everywhere, no ledger policy. */
    static final String CHANGED = CheckCommandTest.EXAMPLES.resolve("pull-request").toString();

    @TempDir
    Path dir;

    private Set<String> cells(String json, String verdictField) throws IOException {
        Set<String> cells = new HashSet<>();
        for (JsonNode c : mapper.readTree(json).get(verdictField.equals("verdict") ? "cells" : "changes")) {
            cells.add(c.get("from").asText() + " " + c.get("to").asText() + " " + c.get("port").asInt() + "/"
                    + c.get("protocol").asText() + " " + c.get(verdictField).asText());
        }
        return cells;
    }

    @Test
    void jsonIsCompileOfAfterMinusCompileOfBeforeCellForCell() throws IOException {
        CliRun compileBefore = new CliRun();
        CliRun compileAfter = new CliRun();
        assertThat(compileBefore.run("compile", "--policies", MANIFESTS, "--topology", DUMP, "--format", "json")).isZero();
        assertThat(compileAfter.run("compile", "--policies", CHANGED, "--topology", DUMP, "--format", "json")).isZero();
        Set<String> expected = cells(compileAfter.out(), "verdict");
        expected.removeAll(cells(compileBefore.out(), "verdict"));

        assertThat(cli.run("diff", "--before", MANIFESTS, "--after", CHANGED, "--topology", DUMP,
                "--format", "json")).isZero();

        assertThat(cells(cli.out(), "after")).isNotEmpty().isEqualTo(expected);
        JsonNode first = mapper.readTree(cli.out()).get("changes").get(0);
        List<String> fields = new ArrayList<>();
        first.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("cluster", "from", "to", "port", "protocol", "before", "after", "reason");
        assertThat(first.get("cluster").asText()).isEqualTo("default");
    }

    @ParameterizedTest
    @EnumSource(ReportFormat.class)
    void aggregatesByNamespacePairAndPortAsTheGoldenFileSays(ReportFormat format) throws IOException {
        int exit = cli.run("diff", "--before", MANIFESTS, "--after", CHANGED, "--topology", DUMP,
                "--expectations", PROMISES, "--format", format.name());

        assertThat(exit).as("the change breaks payments -> ledger").isEqualTo(1);
        assertThat(cli.out()).isEqualTo(golden("diff." + format.name(), cli.out()));
        assertThat(cli.err()).isEmpty();
    }

    @Test
    void markdownStartsWithTheSummaryLineForAPullRequestComment() {
        assertThat(cli.run("diff", "--before", MANIFESTS, "--after", CHANGED, "--topology", DUMP,
                "--expectations", PROMISES, "--format", "markdown")).isEqualTo(1);

        assertThat(cli.out().lines().findFirst()).contains(
                "**reachproof diff**: +3 allowed, -5 denied in 1 cluster; 1 expectation broken");
    }

    @Test
    void withoutAChangeNothingDiffersAndTheExitIsZero() {
        assertThat(cli.run("diff", "--before", MANIFESTS, "--after", MANIFESTS, "--topology", DUMP)).isZero();

        assertThat(cli.out()).isEqualTo("cluster default: 0 changed cells\ndiff: no cell changes in 1 cluster; 0 expectations broken\n");
    }

    @Test
    void beforeFromAGitRevisionGivesTheSameCellsAsFromFiles() throws Exception {
        Path repo = dir.resolve("repo");
        Path policies = repo.resolve("deploy").resolve("policies");
        Files.createDirectories(policies);
        copy(Path.of(MANIFESTS), policies);
        git(repo, "init", "-q");
        git(repo, "add", ".");
        git(repo, "commit", "-q", "-m", "policies as they are");
        for (Path f : List.of(policies.resolve("shop.yaml"), policies.resolve("payments.yaml"))) {
            Files.delete(f);
        }
        copy(Path.of(CHANGED), policies);
        git(repo, "commit", "-q", "-a", "-m", "the pull request");
        CliRun fromFiles = new CliRun();
        fromFiles.run("diff", "--before", MANIFESTS, "--after", CHANGED, "--topology", DUMP, "--format", "json");

        assertThat(cli.run("diff", "--before", "git:HEAD~1", "--after", policies.toString(), "--topology", DUMP,
                "--format", "json")).isZero();
        CliRun withPath = new CliRun();
        assertThat(withPath.run("diff", "--before", "git:HEAD~1:deploy/policies", "--after", policies.toString(),
                "--topology", DUMP, "--format", "json")).isZero();

        assertThat(cells(cli.out(), "after")).isEqualTo(cells(fromFiles.out(), "after")).hasSize(8);
        assertThat(cells(withPath.out(), "after")).isEqualTo(cells(fromFiles.out(), "after"));
    }

    @Test
    void aBadPolicyAtTheRevisionIsNamedByRevisionAndPathAndExitsTwo() throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("policies"));
        Files.writeString(repo.resolve("policies").resolve("bad.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: bad, namespace: shop}
                spec: {podSelector: {matchLabels: {tier: "$x"}}}
                """);
        git(repo, "init", "-q");
        git(repo, "add", ".");
        git(repo, "commit", "-q", "-m", "a policy the API server would reject");

        assertThat(cli.run("diff", "--before", "git:HEAD", "--after", repo.resolve("policies").toString(),
                "--topology", DUMP)).isEqualTo(2);

        assertThat(cli.err()).startsWith("git:HEAD:policies/bad.yaml:4:42: NetworkPolicy shop/bad:"
                + " spec.podSelector.matchLabels.tier: invalid label value \"$x\"");
    }

    @Test
    void anUnknownRevisionExitsTwoWithGitsMessage() throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo);
        copy(Path.of(MANIFESTS), repo);
        git(repo, "init", "-q");
        git(repo, "add", ".");
        git(repo, "commit", "-q", "-m", "first");

        assertThat(cli.run("diff", "--before", "git:no-such-rev", "--after", repo.toString(), "--topology", DUMP)).isEqualTo(2);

        assertThat(cli.err()).startsWith("--before git:no-such-rev: git ls-tree failed: ").doesNotContain("Exception");
        assertThat(cli.err().lines()).hasSize(1);
    }

    @Test
    void aBadPolicyAfterTheChangeExitsTwoWithItsPlace() throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: bad, namespace: shop}
                spec:
                  podSelector: {}
                  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}}]}]
                """);

        assertThat(cli.run("diff", "--before", MANIFESTS, "--after", bad.toString(), "--topology", DUMP)).isEqualTo(2);

        assertThat(cli.err()).isEqualTo(bad + ":6:59: NetworkPolicy shop/bad: spec.ingress[0].from[0].ipBlock.except[0]:"
                + " except 10.0.0.0/8 must be smaller than cidr 10.0.0.0/8 (a strict subset)\n");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    static void git(Path repo, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString(), "-c", "user.name=test",
                "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("git %s: %s", String.join(" ", args), output).isZero();
    }
}
