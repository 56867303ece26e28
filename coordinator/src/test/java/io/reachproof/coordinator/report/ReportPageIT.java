package io.reachproof.coordinator.report;

import static io.reachproof.coordinator.testing.RoundReports.change;
import static io.reachproof.coordinator.testing.RoundReports.round;
import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.coordinator.HeadlessChromium;
import io.reachproof.coordinator.signal.RollbackSignal;
import io.reachproof.coordinator.signal.SignalEvent;
import io.reachproof.coordinator.store.ExpectationVersion;
import io.reachproof.coordinator.store.JdbcStore;
import io.reachproof.coordinator.store.PolicyVersion;
import io.reachproof.coordinator.store.ReportQuery;
import io.reachproof.coordinator.store.StoreSettings;
import io.reachproof.protocol.RoundReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A day of rounds with one HOLE episode, written to a real H2 store, rendered as the HTML report and opened in
 * headless Chromium (no network: the file must carry everything): a screenshot to target/screenshots, the DOM checked.
 */
class ReportPageIT {

    static final long T0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    @Test
    void theReportOpensOfflineWithItsChartEpisodesAndPolicyDiff() throws Exception {
        ReportQuery day = new ReportQuery(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 86_400_000L),
                Optional.empty(), Optional.empty());
        String html;
        try (JdbcStore store = JdbcStore.open(StoreSettings.h2In(dir))) {
            RoundReport opened = null;
            for (int i = 0; i < 2880; i++) {
                long at = T0 + i * 30_000L;
                boolean hole = i >= 1200 && i < 1260;
                var b = round("shop", "shop-" + i + "-it", at).ok("frontend", "payments", 8443);
                RoundReport r = (hole ? b.suspect(change("shop", "db-ingress")).traceId("4bf92f3577b34da6a3ce929d0e0e4736")
                        .hole("frontend", "db", 5432) : b.denied("frontend", "db", 5432)).build();
                store.recordRound(r);
                if (i == 1200) {
                    opened = r;
                    store.recordSignal(new RollbackSignal("shop-ep-7", SignalEvent.OPENED, "shop", "ep-7", r.roundId(),
                            r.traceId(), r.finishedAtEpochMillis(), r.finishedAtEpochMillis(), r.mismatches(), r.suspectChange()));
                } else if (i == 1260) {
                    store.recordSignal(new RollbackSignal("shop-ep-7", SignalEvent.RESOLVED, "shop", "ep-7", r.roundId(), null,
                            r.finishedAtEpochMillis(), opened.finishedAtEpochMillis(), opened.mismatches(), null));
                }
            }
            store.recordPolicyVersion(new PolicyVersion("gcp-lab", "shop", "db-ingress", "aaaa1111", Optional.of("41"),
                    Optional.of("argocd-controller"), "2026-10-31T09:00:00Z", "coordinator-0",
                    "spec:\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: api}}}]\n"));
            store.recordPolicyVersion(new PolicyVersion("gcp-lab", "shop", "db-ingress", "bbbb2222", Optional.of("42"),
                    Optional.of("kubectl-edit"), "2026-11-01T09:59:00Z", "coordinator-0", "spec:\n  ingress:\n  - {}\n"));
            store.recordExpectationVersion(new ExpectationVersion("shop", "cccc3333cccc3333", "/etc/reachproof/shop.yaml",
                    Optional.of("3f2c1e0"), "2026-10-30T08:00:00Z"));
            html = new ProofReport().render(store.read(day), ReportFormat.HTML);
        }
        Path file = Files.writeString(Path.of("target", "report-it.html").toAbsolutePath(), html);

        ChromeDriver chrome = HeadlessChromium.start();
        try {
            chrome.get(file.toUri().toString());
            Path shot = HeadlessChromium.screenshot(chrome, "proof-record");

            assertThat(shot).exists();
            assertThat(chrome.findElement(By.id("rounds-count")).getText()).startsWith("2880");
            assertThat(chrome.findElement(By.id("episodes-count")).getText()).contains("1 with holes, 0 open");
            List<WebElement> episodes = chrome.findElements(By.cssSelector("#episodes tr.episode"));
            assertThat(episodes).singleElement().satisfies(e -> assertThat(e.getText())
                    .contains("shop-ep-7").contains("30 min").contains("4bf92f3577b34da6a3ce929d0e0e4736")
                    .contains("HOLE frontend (aws-lab) -> db (gcp-lab) 5432/TCP"));
            assertThat(chrome.findElements(By.cssSelector("#coverage-chart .mismatch-bar"))).isNotEmpty();
            assertThat(chrome.findElement(By.id("coverage-line")).getAttribute("d")).startsWith("M");
            assertThat(chrome.findElement(By.cssSelector("#policies pre.diff .del")).getText())
                    .isEqualTo("-   - from: [{podSelector: {matchLabels: {app: api}}}]");
            assertThat(chrome.findElement(By.cssSelector("#policies pre.diff .add")).getText()).isEqualTo("+   - {}");
            assertThat(chrome.findElement(By.id("expectations")).getText()).contains("3f2c1e0");
            Object external = chrome.executeScript("return performance.getEntriesByType('resource').length");
            assertThat(((Number) external).intValue()).as("resources fetched besides the file").isZero();
        } finally {
            chrome.quit();
        }
    }
}
