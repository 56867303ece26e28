package io.reachproof.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reachproof.coordinator.assembly.RollbackWiring;
import io.reachproof.coordinator.signal.SignalTracker.Confirmations;
import io.reachproof.protocol.RoundReport;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The coordinator's page in a real browser (headless Debian chromium), against a coordinator and six real agents on
 * loopback whose round finds the lab's HOLE (frontend -> payments 7001/TCP, expected deny by lab.yaml:30).
 */
class ReachabilityPageIT {

    private static final String TOKEN = "page-admin-s3cret";

    @TempDir
    Path spools;

    private LoopbackFleet fleet;
    private ChromeDriver browser;
    private URI base;
    private RollbackWiring signals;

    @BeforeEach
    void start() throws Exception {
        browser = HeadlessChromium.start();
        fleet = new LoopbackFleet(spools, LoopbackFleet.sixAgentsInThreeClusters());
        fleet.startCoordinator(LoopbackFleet.settings(0, false).withAdminToken(Optional.of(TOKEN)),
                List.of(LabExpectation.loaded("lab", LoopbackFleet.INTERVAL)),
                c -> signals = RollbackWiring.install(c, List.of(), Confirmations.DEFAULT, Optional.of(TOKEN)));
        base = fleet.coordinator.url();
        fleet.startAgents(base);
        fullRound();
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (fleet != null) {
            fleet.close();
        }
        if (signals != null) {
            signals.close();
        }
    }

    /** Runs rounds until one probes all 20 cells of the lab (every agent registered and polling). */
    private RoundReport fullRound() {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            RoundReport r = fleet.coordinator.rounds().runNow("lab").report().toCompletableFuture().get();
            return r.complete() && r.cells().size() == 20 ? r : null;
        }, r -> r != null);
    }

    private void open(String fragment) {
        browser.get(base + "/" + fragment);
    }

    private WebElement holeCell() {
        return browser.findElement(By.cssSelector("#grid td[data-from='frontend'][data-to='payments']"));
    }

    private void awaitGrid() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.cssSelector("#grid td")).isEmpty());
    }

    @Test
    void theLabsHoleShowsInTheMatrixAndInTheDetailWithItsRule() throws Exception {
        open("#token=" + TOKEN);
        awaitGrid();

        assertThat(browser.getCurrentUrl()).as("the token leaves the address bar").doesNotContain(TOKEN);
        assertThat(holeCell().getText()).contains("7001/TCP deny→allow", "✖ HOLE ×4");
        assertThat(holeCell().getAttribute("class")).contains("hole");
        assertThat(browser.findElement(By.id("mismatch-count")).getText()).isEqualTo("✖ 4 HOLE, ⊘ 0 BLOCKED");
        assertThat(browser.findElements(By.cssSelector("#tiles td.tile.mismatch"))).isNotEmpty();
        HeadlessChromium.screenshot(browser, "page-lab-matrix");

        holeCell().click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.cssSelector("#pairs tr.hole")).isEmpty());
        WebElement firstHole = browser.findElement(By.cssSelector("#pairs tr.hole"));
        assertThat(firstHole.getText()).contains("✖ HOLE", "7001/TCP", "deny", "allow", "CONNECTED", "lab.yaml:30", " ms");
        assertThat(browser.findElements(By.cssSelector("#pairs tr.hole"))).hasSize(4);
        assertThat(browser.findElement(By.id("detail-cell")).getText()).isEqualTo("frontend → payments (all cluster pairs)");
        WebElement episode = browser.findElement(By.cssSelector("#episodes li.episode"));
        assertThat(episode.getText()).as("the signal episode the HOLE opened").contains("opened signal episode lab-",
                "key rp1-", "HOLE frontend -> payments 7001/TCP (aws-lab -> azure-lab)");
        assertThat(episode.findElement(By.cssSelector("code.key")).getText())
                .isEqualTo(fleet.coordinator.episodes().all("lab").get(0).idempotencyKey());
        HeadlessChromium.screenshot(browser, "page-lab-detail");

        browser.findElement(By.cssSelector("#tiles button[data-pair='aws-lab>azure-lab']")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("matrix-title")).getText()
                .equals("Group matrix — aws-lab → azure-lab"));
        await().atMost(Duration.ofSeconds(10)).until(() -> holeCell().getText().contains("✖ HOLE ×1"));
        HeadlessChromium.screenshot(browser, "page-lab-pair");
    }

    @Test
    void behindAnIngressPathPrefixThePageItsDetailAndItsFeedUseOnlyThePrefix() throws Exception {
        try (PrefixProxy ingress = PrefixProxy.start(base, "/reachproof/")) {
            browser.get(ingress.url() + "#token=" + TOKEN);
            awaitGrid();
            holeCell().click();
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("#pairs tr.hole")).size() == 4);

            RoundReport next = fleet.coordinator.rounds().runNow("lab").report().toCompletableFuture().join();

            await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.cssSelector("#round h2")).getText()
                    .equals("lab — round " + next.roundId()));
            assertThat(ingress.outside()).as("requests that missed the prefix").isEmpty();
            assertThat(ingress.forwarded()).anyMatch(r -> r.startsWith("GET /v1/view/cell"))
                    .anyMatch(r -> r.startsWith("GET /v1/events"));
        }
    }

    @Test
    void aNewRoundUpdatesThePageWithoutAReload() {
        open("#token=" + TOKEN);
        awaitGrid();
        String before = browser.findElement(By.cssSelector("#round h2")).getText();
        browser.executeScript("window.reachproofNotReloaded = true;");

        RoundReport next = fleet.coordinator.rounds().runNow("lab").report().toCompletableFuture().join();

        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.cssSelector("#round h2")).getText()
                .equals("lab — round " + next.roundId()));
        assertThat(before).isNotEqualTo("lab — round " + next.roundId());
        assertThat(browser.executeScript("return window.reachproofNotReloaded === true;")).isEqualTo(true);
        assertThat(browser.findElement(By.tagName("body")).getAttribute("data-updates")).isEqualTo("1");
        assertThat(browser.findElements(By.cssSelector("#timeline-body li"))).hasSizeGreaterThanOrEqualTo(2);
        assertThat(browser.findElement(By.id("live")).getText()).startsWith("live");
    }

    @Test
    void theAdminTokenIsRequiredWhenSet() throws Exception {
        open("");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("login")).isDisplayed());
        assertThat(browser.findElements(By.cssSelector("#grid td"))).isEmpty();
        assertThat(browser.findElement(By.id("matrix")).isDisplayed()).isFalse();
        HeadlessChromium.screenshot(browser, "page-login");

        browser.findElement(By.id("token")).sendKeys("not-the-token", Keys.ENTER);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("login-reason")).getText()
                .startsWith("The token was refused (bearer token is not the admin token)"));
        assertThat(browser.findElements(By.cssSelector("#grid td"))).isEmpty();

        browser.findElement(By.id("token")).sendKeys(TOKEN, Keys.ENTER);
        awaitGrid();
        assertThat(browser.findElement(By.id("login")).isDisplayed()).isFalse();
        assertThat(browser.getCurrentUrl()).doesNotContain(TOKEN);
        assertThat(browser.executeScript("return sessionStorage.getItem('reachproof.adminToken');")).isEqualTo(TOKEN);
    }

    @Test
    void keyboardNavigationReachesEveryCell() {
        open("#token=" + TOKEN);
        awaitGrid();
        List<WebElement> cells = browser.findElements(By.cssSelector("#grid td[role=gridcell]"));
        Set<String> all = new HashSet<>();
        cells.forEach(c -> all.add(c.getAttribute("data-row") + "," + c.getAttribute("data-col")));

        // Tab from the top of the page until the grid has the focus: exactly one of its cells is in the tab order
        browser.findElement(By.tagName("body")).click();
        for (int i = 0; i < 60 && !focusedIsCell(); i++) {
            browser.switchTo().activeElement().sendKeys(Keys.TAB);
        }
        assertThat(focusedIsCell()).as("Tab reaches the grid").isTrue();
        Set<String> visited = new HashSet<>();
        visited.add(focusedCell());
        for (int i = 0; i < cells.size() + 2; i++) {
            browser.switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT);
            visited.add(focusedCell());
        }
        assertThat(visited).isEqualTo(all);

        // Home/ArrowDown reach the hole cell's row; Enter opens it
        browser.switchTo().activeElement().sendKeys(Keys.chord(Keys.CONTROL, Keys.HOME));
        assertThat(focusedCell()).isEqualTo("0,0");
        String target = holeCell().getAttribute("data-row") + "," + holeCell().getAttribute("data-col");
        for (int i = 0; i < cells.size() && !focusedCell().equals(target); i++) {
            browser.switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT);
        }
        browser.switchTo().activeElement().sendKeys(Keys.ENTER);
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.cssSelector("#pairs tr.hole")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("#grid td[tabindex='0']"))).hasSize(1);
    }

    private boolean focusedIsCell() {
        return "gridcell".equals(browser.switchTo().activeElement().getAttribute("role"));
    }

    private String focusedCell() {
        WebElement e = browser.switchTo().activeElement();
        return e.getAttribute("data-row") + "," + e.getAttribute("data-col");
    }
}
