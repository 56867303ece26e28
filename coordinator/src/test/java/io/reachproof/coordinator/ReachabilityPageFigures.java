package io.reachproof.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reachproof.coordinator.api.ApiServer;
import io.reachproof.coordinator.api.ApiServerSettings;
import io.reachproof.coordinator.api.PageRoutes;
import io.reachproof.coordinator.api.RoundEvents;
import io.reachproof.coordinator.round.InMemoryRoundHistory;
import io.reachproof.coordinator.signal.Episodes;
import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.EndpointRef;
import io.reachproof.protocol.InconclusiveReason;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.ObservedVerdict;
import io.reachproof.protocol.Outcome;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.RoundReport;
import io.reachproof.protocol.Verdict;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * What the page costs ({@code scripts/bench-page}, not part of the test suite: speed is measured, not asserted): load,
 * first paint and drawing time, DOM size, and the JSON and event payloads, for the default lab and for a synthetic
 * round of 50 groups in 6 clusters of 3 clouds. The figures are written to {@code target/page-figures.txt}; it fails
 * when the synthetic page grows past 10,000 DOM elements (aggregation broke), not on time.
 */
class ReachabilityPageFigures {

    private static final String TOKEN = "figures-token";
    private static final List<String> CLUSTERS = List.of("aws-a", "aws-b", "gcp-a", "gcp-b", "azure-a", "azure-b");
    private static final int GROUPS = 50;

    @TempDir
    Path spools;

    private final HttpClient http = HttpClient.newHttpClient();
    private ChromeDriver browser;
    private ApiServer server;
    private LoopbackFleet fleet;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void theLabPageLoadsAndDrawsQuickly() throws Exception {
        browser = HeadlessChromium.start();
        fleet = new LoopbackFleet(spools, LoopbackFleet.sixAgentsInThreeClusters());
        fleet.startCoordinator(LoopbackFleet.settings(0, false).withAdminToken(Optional.of(TOKEN)),
                List.of(LabExpectation.loaded("lab", LoopbackFleet.INTERVAL)));
        fleet.startAgents(fleet.coordinator.url());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            RoundReport r = fleet.coordinator.rounds().runNow("lab").report().toCompletableFuture().get();
            return r.complete() && r.cells().size() == 20;
        });

        Map<String, Long> figures = measure(fleet.coordinator.url());
        record("lab (3 groups, 3 clusters, 20 cells)", figures);
    }

    @Test
    void aRoundOfFiftyGroupsInSixClustersStaysSmallInTheBrowser() throws Exception {
        browser = HeadlessChromium.start();
        InMemoryRoundHistory history = new InMemoryRoundHistory(Set.of("fleet"), 32);
        RoundEvents events = new RoundEvents(Json.mapper(), history, Duration.ofSeconds(25), 16);
        PageRoutes page = new PageRoutes(Json.mapper(), history, events, new Episodes(1), Optional.of(TOKEN),
                Optional.of("http://127.0.0.1:16686/trace/"));
        server = new ApiServer(ApiServerSettings.loopback(0), page.routes());
        InetSocketAddress bound = server.start();
        URI base = URI.create("http://127.0.0.1:" + bound.getPort());
        for (int i = 0; i < 30; i++) {
            RoundReport r = events.onRound(synthetic(i));
            history.add(r);
        }

        Map<String, Long> figures = measure(base);
        assertThat(browser.findElements(By.cssSelector("#grid tr"))).hasSize(GROUPS + 1);
        assertThat(browser.findElements(By.cssSelector("#tiles button.tile-button"))).hasSize(36);

        long sent = System.nanoTime();
        RoundReport next = synthetic(30);
        history.add(events.onRound(next));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> browser
                .findElement(By.cssSelector("#round h2")).getText().endsWith(next.roundId()));
        figures.put("round closed until drawn ms", (System.nanoTime() - sent) / 1_000_000);
        figures.put("  of which drawing the update ms", number("return performance.getEntriesByName('reachproof-update-1')[0].duration;"));
        HttpResponse<byte[]> pair = http.send(authorized(base.resolve(PageRoutes.PAIR_MATRIX + "?expectation=fleet&round="
                + next.roundId() + "&fromCluster=aws-a&toCluster=gcp-b")), HttpResponse.BodyHandlers.ofByteArray());
        figures.put("pair matrix JSON bytes", (long) pair.body().length);
        HttpResponse<byte[]> cell = http.send(authorized(base.resolve(PageRoutes.CELL + "?expectation=fleet&round="
                + next.roundId() + "&from=g07&to=g08")), HttpResponse.BodyHandlers.ofByteArray());
        figures.put("cell detail JSON bytes (all cluster pairs)", (long) cell.body().length);
        figures.put("report cells", (long) next.cells().size());
        figures.put("report JSON bytes (GET /v1/rounds/latest, for comparison)",
                (long) Json.mapper().writeValueAsBytes(next).length);
        record("synthetic: 50 groups, 6 clusters in 3 clouds, " + next.cells().size() + " cells, 31 retained rounds", figures);
        HeadlessChromium.screenshot(browser, "page-50x6");

        assertThat(figures.get("DOM elements")).isLessThan(10_000);
    }

    private HttpRequest authorized(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN).build();
    }

    /** Loads the page in the browser and reads its timings, its DOM size and the payloads it fetches. */
    private Map<String, Long> measure(URI base) throws Exception {
        browser.get(base + "/#token=" + TOKEN);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> (Boolean) browser.executeScript(
                "return performance.getEntriesByName('reachproof-drawn').length > 0;"));
        Map<String, Long> figures = new LinkedHashMap<>();
        figures.put("HTML response end ms", number("return performance.getEntriesByType('navigation')[0].responseEnd;"));
        figures.put("DOMContentLoaded ms",
                number("return performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd;"));
        figures.put("first paint ms", number("const p = performance.getEntriesByName('first-paint'); return p.length ? p[0].startTime : -1;"));
        figures.put("first contentful paint ms",
                number("const p = performance.getEntriesByName('first-contentful-paint'); return p.length ? p[0].startTime : -1;"));
        figures.put("drawn ms", number("return performance.getEntriesByName('reachproof-drawn')[0].startTime;"));
        figures.put("DOM elements", number("return document.getElementsByTagName('*').length;"));
        figures.put("grid cells", number("return document.querySelectorAll('#grid td').length;"));
        figures.put("page files bytes (html+js+css)", (long) (get(base, "/").length + get(base, "/ui/page.js").length
                + get(base, "/ui/page.css").length));
        figures.put("GET /v1/view JSON bytes", (long) get(base, PageRoutes.VIEW).length);
        // an id of another coordinator process: the answer carries every set's newest round at once
        HttpRequest allEvents = HttpRequest.newBuilder(base.resolve(PageRoutes.EVENTS))
                .header("Authorization", "Bearer " + TOKEN).header("Last-Event-ID", "00000000-0").build();
        figures.put("GET /v1/events bytes (one round event per set)",
                (long) http.send(allEvents, HttpResponse.BodyHandlers.ofByteArray()).body().length);
        return figures;
    }

    private byte[] get(URI base, String path) throws Exception {
        HttpResponse<byte[]> r = http.send(authorized(base.resolve(path)), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    private long number(String script) {
        return Math.round(((Number) browser.executeScript(script)).doubleValue());
    }

    private static void record(String title, Map<String, Long> figures) throws Exception {
        StringBuilder text = new StringBuilder(title).append('\n');
        figures.forEach((k, v) -> text.append(String.format("  %-58s %,d%n", k, v)));
        Path file = Path.of("target", "page-figures.txt");
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.print(text);
    }

    /**
     * Round {@code n} of a fleet of 50 groups, one agent of each in each of 6 clusters: group i talks to groups i+1
     * (allowed) and i+2, i+3 (denied) on 8080/TCP and 8443/HTTP, in every cluster pair; group 7 reaches group 9 on
     * 8080 from aws-a to gcp-b (a HOLE), and group 20's agent in azure-b is lost (its cells are inconclusive).
     */
    static RoundReport synthetic(int n) {
        List<CellResult> cells = new ArrayList<>();
        List<Mismatch> mismatches = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            for (int step = 1; step <= 3; step++) {
                int to = (g + step) % GROUPS;
                for (String fromCluster : CLUSTERS) {
                    for (String toCluster : CLUSTERS) {
                        for (Protocol protocol : List.of(Protocol.TCP, Protocol.HTTP)) {
                            int port = protocol == Protocol.TCP ? 8080 : 8443;
                            Verdict expected = step == 1 ? Verdict.ALLOW : Verdict.DENY;
                            boolean hole = g == 7 && to == 9 && port == 8080 && fromCluster.equals("aws-a")
                                    && toCluster.equals("gcp-b");
                            boolean lost = to == 20 && toCluster.equals("azure-b");
                            ObservedVerdict observed = lost ? ObservedVerdict.INCONCLUSIVE
                                    : hole || expected == Verdict.ALLOW ? ObservedVerdict.ALLOW : ObservedVerdict.DENY;
                            Outcome outcome = lost ? Outcome.TIMEOUT : observed == ObservedVerdict.ALLOW ? Outcome.CONNECTED
                                    : Outcome.TIMEOUT;
                            CellResult c = new CellResult(group(g), agent(g, fromCluster), group(to), agent(to, toCluster),
                                    port, protocol, expected, observed, lost ? InconclusiveReason.TARGET_LOST : null, outcome,
                                    observed == ObservedVerdict.DENY ? 2 : 1, 900 + (g * 37 + to) % 800,
                                    "fleet.yaml:" + (20 + g), null);
                            cells.add(c);
                            if (Mismatch.isMismatch(c)) {
                                mismatches.add(new Mismatch(c, null));
                            }
                        }
                    }
                }
            }
        }
        long inconclusive = cells.stream().filter(c -> c.observed() == ObservedVerdict.INCONCLUSIVE).count();
        long finished = 1_780_000_000_000L + n * 30_000L;
        return new RoundReport("fleet-" + n, "fleet", finished - 4_000, finished, true,
                String.format("%032x", n + 1), cells, mismatches, 1.0 - (double) inconclusive / cells.size(), List.of(),
                List.of(), Map.of("live", GROUPS * CLUSTERS.size() - 1, "lost", 1), null);
    }

    private static String group(int g) {
        return String.format("g%02d", g);
    }

    private static EndpointRef agent(int g, String cluster) {
        String cloud = cluster.substring(0, cluster.indexOf('-'));
        String pod = group(g) + "-" + cluster;
        return new EndpointRef(pod, cluster, cloud, cloud + "-region-1", "node-" + cluster, "ns-" + group(g), pod,
                "10." + CLUSTERS.indexOf(cluster) + "." + g + ".1");
    }
}
