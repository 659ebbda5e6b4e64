package vn.gov.lgsp.hub.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium for browser tests, driven by Selenium through the system's chromedriver (Debian's chromium and
 * chromium-driver, installed by .ci/install-chromium when the build runs the tests). Selenium Manager is never
 * asked to find or download anything: the driver and the browser are given by path.
 *
 * <pre>{@code
 * try (Browser browser = Browser.start()) {
 *     browser.open("http://localhost:" + port + "/swagger-ui.html");
 *     WebElement op = browser.waitForVisible(By.cssSelector(".opblock-post"));
 *     browser.screenshot("swagger-ui");          // target/screenshots/swagger-ui.png
 * }
 * }</pre>
 *
 * Each browser has its own fresh profile (--user-data-dir), deleted by {@link #close()}. Paths: system properties
 * {@code hub.chromium} / {@code hub.chromedriver}, else environment HUB_CHROMIUM / HUB_CHROMEDRIVER, else
 * /usr/bin/chromium and /usr/bin/chromedriver.
 */
public final class Browser implements AutoCloseable {
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** No sandbox (root in CI), no GPU, nothing fetched or synced behind the test's back. */
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
            "--window-size=1366,900", "--lang=vi-VN");

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts a headless Chromium with a fresh profile; fails saying what to install when it is not there. */
    public static Browser start() {
        Path chromium = Path.of(setting("hub.chromium", "HUB_CHROMIUM", "/usr/bin/chromium"));
        Path chromedriver = Path.of(setting("hub.chromedriver", "HUB_CHROMEDRIVER", "/usr/bin/chromedriver"));
        if (!Files.isExecutable(chromium) || !Files.isExecutable(chromedriver)) {
            throw new IllegalStateException("Browser tests need " + chromium + " and " + chromedriver
                    + ": run .ci/install-chromium (as root: apt-get install -y chromium chromium-driver)");
        }
        // the driver is given, so Selenium Manager has nothing to look up (and must not download anything)
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, chromedriver.toString());
        Path profile;
        try {
            Files.createDirectories(Path.of("target"));
            profile = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chromium-profile-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogOutput(java.io.OutputStream.nullOutputStream())
                .build();
        try {
            return new Browser(new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            deleteQuietly(profile);
            throw e;
        }
    }

    /** Opens a page and waits until the document has loaded (scripts may still be rendering: wait for elements). */
    public Browser open(String url) {
        driver.get(url);
        waitFor(d -> "complete".equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript("return document.readyState")));
        return this;
    }

    /** Waits (up to {@link #DEFAULT_WAIT}) until the condition gives something other than null or false. */
    public <T> T waitFor(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, DEFAULT_WAIT).until(condition::apply);
    }

    /** Waits until an element is visible and returns it. */
    public WebElement waitForVisible(By by) {
        return waitFor(ExpectedConditions.visibilityOfElementLocated(by)::apply);
    }

    /** Waits until at least one element matches and returns all that do. */
    public List<WebElement> waitForAll(By by) {
        return waitFor(d -> {
            List<WebElement> found = d.findElements(by);
            return found.isEmpty() ? null : found;
        });
    }

    /** Saves what the browser shows as target/screenshots/&lt;name&gt;.png and returns its path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Selenium's driver, for what the helper does not cover. */
    public WebDriver driver() {
        return driver;
    }

    /** Quits the browser and its driver, and deletes the profile. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteQuietly(profile);
        }
    }

    private static String setting(String property, String env, String fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) v = System.getenv(env);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a profile left in target/ is harmless
        }
    }
}
