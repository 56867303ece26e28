package io.reachproof.cli;

import static io.reachproof.coordinator.testing.RoundReports.change;
import static io.reachproof.coordinator.testing.RoundReports.round;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.coordinator.signal.SignalEvent;
import io.reachproof.coordinator.store.ExpectationVersion;
import io.reachproof.coordinator.store.JdbcStore;
import io.reachproof.coordinator.store.PolicyVersion;
import io.reachproof.coordinator.store.StoreSettings;
import io.reachproof.protocol.RoundReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reachproof report --store} on a real H2 file written by the store, in each format, and its mistakes. */
class ReportCommandTest {

    static final long T0 = Instant.parse("2026-11-01T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;
    private String url;

    @BeforeEach
    void record() throws Exception {
        url = StoreSettings.h2Url(dir);
        try (JdbcStore store = JdbcStore.open(StoreSettings.of(url))) {
            RoundReport holed = round("shop", "shop-1-a", T0).suspect(change("shop", "allow-all"))
                    .traceId("0af7651916cd43dd8448eb211c80319c").ok("frontend", "payments", 8443)
                    .hole("frontend", "db", 5432).build();
            RoundReport fixed = round("shop", "shop-2-a", T0 + 30_000).ok("frontend", "payments", 8443)
                    .denied("frontend", "db", 5432).build();
            store.recordRound(holed);
            store.recordRound(fixed);
            store.recordSignal(new RollbackSignal("shop-ep-1", SignalEvent.OPENED, "shop", "ep-1", holed.roundId(),
                    holed.traceId(), holed.finishedAtEpochMillis(), holed.finishedAtEpochMillis(), holed.mismatches(),
                    holed.suspectChange()));
            store.recordSignal(new RollbackSignal("shop-ep-1", SignalEvent.RESOLVED, "shop", "ep-1", fixed.roundId(),
                    null, fixed.finishedAtEpochMillis(), holed.finishedAtEpochMillis(), holed.mismatches(), null));
            store.recordPolicyVersion(new PolicyVersion("gcp-lab", "shop", "db-ingress", "aaaa1111", Optional.of("41"),
                    Optional.of("argocd-controller"), "2026-11-01T09:00:00Z", "coordinator-0",
                    "spec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: api}}}]\n"));
            store.recordPolicyVersion(new PolicyVersion("gcp-lab", "shop", "db-ingress", "bbbb2222", Optional.of("42"),
                    Optional.of("kubectl-edit"), "2026-11-01T09:59:00Z", "coordinator-0",
                    "spec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - {}\n"));
            store.recordExpectationVersion(new ExpectationVersion("shop", "cccc3333cccc3333", "/etc/reachproof/shop.yaml",
                    Optional.of("3f2c1e0"), "2026-11-01T08:00:00Z"));
        }
    }

    @Test
    void jsonFollowsTheContract() throws Exception {
        CliRun cli = new CliRun();

        int code = cli.run("report", "--store", url, "--since", "2026-11-01", "--until", "2026-11-02", "--format", "json");

        assertThat(code).as(cli.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(cli.out());
        assertThat(json.get("rounds")).hasSize(2);
        JsonNode first = json.get("rounds").get(0);
        assertThat(first.get("roundId").asText()).isEqualTo("shop-1-a");
        assertThat(first.get("expectation").asText()).isEqualTo("shop");
        assertThat(first.get("startedAt").asText()).isEqualTo("2026-11-01T10:00:00Z");
        assertThat(first.get("finishedAt").asText()).isEqualTo("2026-11-01T10:00:00.800Z");
        assertThat(first.get("coverage").asDouble()).isEqualTo(1.0);
        assertThat(first.get("mismatches").asInt()).isEqualTo(1);
        JsonNode episode = json.get("episodes").get(0);
        assertThat(episode.get("key").asText()).isEqualTo("ep-1");
        assertThat(episode.get("expectation").asText()).isEqualTo("shop");
        assertThat(episode.get("cluster").asText()).isEqualTo("aws-lab,gcp-lab");
        assertThat(episode.get("openedAt").asText()).isEqualTo("2026-11-01T10:00:00.800Z");
        assertThat(episode.get("resolvedAt").asText()).isEqualTo("2026-11-01T10:00:30.800Z");
        assertThat(episode.get("mismatches")).hasSize(1);
        assertThat(episode.get("suspectChange").get("name").asText()).isEqualTo("allow-all");
        assertThat(json.get("policyVersions")).hasSize(2);
        assertThat(json.get("policyVersions").get(1).get("manager").asText()).isEqualTo("kubectl-edit");
        assertThat(json.get("expectationVersions").get(0).get("gitRevision").asText()).isEqualTo("3f2c1e0");
    }

    @Test
    void markdownShowsEpisodesAndTheDiffOfAPolicy() {
        CliRun cli = new CliRun();

        int code = cli.run("report", "--store", url, "--since", "2026-11-01", "--until", "2026-11-02", "--format", "markdown");

        assertThat(code).as(cli.err()).isZero();
        assertThat(cli.out()).contains("# reachproof: proof record")
                .contains("| shop-ep-1 | shop | aws-lab,gcp-lab | 2026-11-01T10:00:00.800Z | 2026-11-01T10:00:30.800Z | 30 s |"
                        + " gcp-lab shop/allow-all modified (resourceVersion 42) | 0af7651916cd43dd8448eb211c80319c |")
                .contains("HOLE frontend (aws-lab) -> db (gcp-lab) 5432/TCP: expected DENY, observed ALLOW")
                .contains("- 2026-11-01T09:59:00Z: resourceVersion 42, hash bbbb2222, changed by kubectl-edit")
                .contains("-   - from: [{podSelector: {matchLabels: {app: api}}}]\n+   - {}");
    }

    @Test
    void htmlIsOneSelfContainedFile() throws Exception {
        CliRun cli = new CliRun();
        Path out = dir.resolve("record.html");

        int code = cli.run("report", "--store", url, "--since", "2026-11-01", "--until", "2026-11-02", "-o", out.toString());

        assertThat(code).as(cli.err()).isZero();
        String html = Files.readString(out);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>").contains("<svg id=\"coverage-chart\"")
                .doesNotContain("<script").doesNotContain("http://").doesNotContain("https://").doesNotContain("<link");
    }

    @Test
    void aStoreUrlThatIsNoJdbcUrlIsAUsageError() {
        CliRun cli = new CliRun();

        int code = cli.run("report", "--store", "postgres://db/reachproof");

        assertThat(code).isEqualTo(Main.EXIT_USAGE);
        assertThat(cli.err()).contains("--store must be jdbc:postgresql://HOST:PORT/DB or jdbc:h2:...: postgres://db/reachproof")
                .doesNotContain("Exception");
    }

    @Test
    void anUnreachableDatabaseExitsOneNamingItsUrl() {
        CliRun cli = new CliRun();

        int code = cli.run("report", "--store", "jdbc:postgresql://127.0.0.1:1/reachproof", "--format", "json");

        assertThat(code).isEqualTo(Main.EXIT_FAILED);
        assertThat(cli.err()).startsWith("cannot reach the store at jdbc:postgresql://127.0.0.1:1/reachproof: ")
                .doesNotContain("\tat ");
    }

    @Test
    void aTimeThatIsNoTimeNamesTheForms() {
        CliRun cli = new CliRun();

        int code = cli.run("report", "--store", url, "--since", "last tuesday");

        assertThat(code).isEqualTo(Main.EXIT_USAGE);
        assertThat(cli.err()).contains("--since/--until: not a time: last tuesday (an instant like 2026-11-01T10:00:00Z,"
                + " a day like 2026-11-01, or a time ago like 30d or 12h)");
    }
}
