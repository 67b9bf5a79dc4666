package io.seatbooking.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console in Debian's headless Chromium, driven by Selenium through Debian's
 * chromedriver (installed by bin/services; both paths are given explicitly, so Selenium Manager
 * is never asked to find or download anything). Without them a test is skipped, except in CI
 * (environment variable {@code CI} set), where it fails.
 */
public final class ConsoleBrowser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final WebDriverWait wait;

    private ConsoleBrowser(ChromeDriver driver, Duration timeout) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, timeout);
    }

    /** Whether chromium and chromedriver are installed. */
    public static boolean installed() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** Opens {@code consoleUrl} with an admin token pasted; skips (fails in CI) without a browser. */
    public static ConsoleBrowser open(String consoleUrl, String adminToken, Duration timeout) {
        if (!installed()) {
            if (System.getenv("CI") != null) {
                throw new IllegalStateException("CI must install chromium and chromedriver (bin/services)");
            }
            Assumptions.abort("chromium and chromedriver are missing: run bin/services (it installs them with apt-get)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,1300");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ConsoleBrowser browser = new ConsoleBrowser(new ChromeDriver(service, options), timeout);
        browser.driver.get(consoleUrl);
        browser.byId("token").sendKeys(adminToken);
        browser.byId("save-token").click();
        return browser;
    }

    public ChromeDriver driver() {
        return driver;
    }

    public WebDriverWait await() {
        return wait;
    }

    public WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    /** Shows the groups of one message type (or all, for null). */
    public void filterByMessageType(String type) {
        WebElement field = byId("filter-message-type");
        field.clear();
        if (type != null) {
            field.sendKeys(type);
        }
        byId("apply-filter").click();
    }

    public List<WebElement> groupRows() {
        return driver.findElements(By.cssSelector("#groups tbody tr"));
    }

    public List<WebElement> rows(String tableId) {
        return driver.findElements(By.cssSelector("#" + tableId + " tbody tr"));
    }

    /** The text of the cell with class {@code cls} in {@code row}. */
    public static String cell(WebElement row, String cls) {
        return row.findElement(By.className(cls)).getText();
    }

    /** Saves what the browser shows as a PNG. */
    public void screenshot(Path to) throws Exception {
        Files.createDirectories(to.toAbsolutePath().getParent());
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), to, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
