package dev.mailroom.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven by Debian's chromedriver through Selenium: never a browser
 * or driver downloaded by a tool (Selenium Manager is not asked, since both paths are given). The
 * flags keep a root-run Chromium from reaching out to the network at all.
 */
final class HeadlessChromium {

    static final Path BROWSER = Path.of(System.getProperty("mailroom.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("mailroom.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of(System.getProperty("mailroom.dashboard.screenshots",
            "target/dashboard-screenshots"));

    private static final int WIDTH = 1280;

    private HeadlessChromium() {
    }

    static ChromeDriver start(Path profile) {
        for (Path binary : new Path[] {BROWSER, DRIVER}) {
            if (!Files.isExecutable(binary)) {
                throw new AssertionError(binary + " is missing: install Debian's chromium and chromium-driver"
                        + " (apt-get install -y chromium chromium-driver; .ci/run does it when they are missing)");
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--disable-extensions", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=" + WIDTH + ",1000", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().withTimeout(Duration.ofSeconds(30)).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(WIDTH, 1000));
        return driver;
    }

    /**
     * A screenshot of the page, as {@code name}.png in {@link #SCREENSHOTS}: the viewport is made as
     * tall as the page (400 to 1600 pixels) for the shot (DevTools' device metrics), then set back.
     */
    static Path screenshot(ChromeDriver driver, String name) {
        long height = (Long) driver.executeScript("return Math.ceil(document.body.getBoundingClientRect().height) + 16");
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", WIDTH,
                "height", Math.max(400, Math.min(1600, height)), "deviceScaleFactor", 1, "mobile", false));
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }
}
