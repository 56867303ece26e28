package io.reachproof.coordinator;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's {@code chromium} driven headless through its {@code chromedriver} (packages chromium and chromium-driver,
 * which scripts/test installs). Nothing is downloaded: both binaries are named, so Selenium Manager stays idle, and
 * the browser resolves no host but 127.0.0.1. A test without them is skipped and says why.
 */
public final class HeadlessChromium {

    static final Path CHROMIUM = Path.of(System.getProperty("reachproof.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("reachproof.chromedriver", "/usr/bin/chromedriver"));

    private HeadlessChromium() {
    }

    /** A new headless browser; the calling test is skipped (with the reason) when chromium or chromedriver is missing. */
    public static ChromeDriver start() {
        assumeTrue(Files.isExecutable(CHROMIUM), "no chromium at " + CHROMIUM + " (apt-get install chromium): browser test skipped");
        assumeTrue(Files.isExecutable(CHROMEDRIVER), "no chromedriver at " + CHROMEDRIVER
                + " (apt-get install chromium-driver): browser test skipped");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return driver;
    }

    /** Saves what the browser shows as {@code target/screenshots/NAME.png}; returns that path. */
    public static Path screenshot(ChromeDriver driver, String name) throws IOException {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Path to = Path.of("target", "screenshots", name + ".png");
        Files.createDirectories(to.getParent());
        Files.copy(shot.toPath(), to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return to;
    }
}
