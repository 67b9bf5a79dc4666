package io.seatbooking.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.seatbooking.support.Broker;
import io.seatbooking.support.Db;
import io.seatbooking.support.FailedMessages;
import io.seatbooking.support.FailedMessages.Cause;
import io.seatbooking.support.Tokens;

/**
 * The operator console in a real headless Chromium (Debian's chromium and chromedriver, which
 * bin/services installs; Selenium drives that driver and never downloads one): load it with a
 * pasted token, filter, open a letter, replay a group with its preview and see the progress and
 * the resulting state. Leaves a screenshot in target/console.png (docs/dead-letters.md shows it).
 */
@QuarkusTest
class ConsoleBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/console/")
    URL console;

    private ChromeDriver browser;

    @BeforeEach
    void startBrowser() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && System.getenv("CI") == null) {
            Assumptions.abort("chromium and chromedriver are missing: run bin/services (it installs them with apt-get)");
        }
        assertThat(installed).as("CI installs chromium and chromedriver through bin/services").isTrue();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,1300");
        // The Debian driver, given explicitly: Selenium Manager is never asked to find or fetch one.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOperatorFiltersOpensALetterAndReplaysAGroupWatchingItsProgress() throws Exception {
        String type = "console." + UUID.randomUUID();
        String exchange = "console-test-" + UUID.randomUUID();
        Map<String, Integer> received = new ConcurrentHashMap<>();
        try (Connection connection = Broker.factory().newConnection("console-test");
                Channel channel = connection.createChannel()) {
            channel.exchangeDeclare(exchange, "topic", false, true, null);
            String queue = channel.queueDeclare("", false, true, true, null).getQueue();
            channel.queueBind(queue, exchange, "#");
            channel.basicConsume(queue, true, (tag, d) -> received.merge(d.getProperties().getMessageId(), 1,
                    Integer::sum), tag -> { });
            List<String> timeouts = park(exchange, type, new Cause("retries-exhausted",
                    "TimeoutException: provider did not answer", "PaymentsConsumer.process"), 3);
            park(exchange, type, new Cause("unparseable", null, null), 2);

            browser.get(console.toString());
            WebDriverWait wait = new WebDriverWait(browser, WAIT);
            browser.findElement(By.id("token")).sendKeys(Tokens.admin());
            browser.findElement(By.id("save-token")).click();
            browser.findElement(By.id("filter-message-type")).sendKeys(type);
            browser.findElement(By.id("apply-filter")).click();

            // Two groups of this type, the larger first, with the counts the API has.
            wait.until(d -> groupRows().size() == 2 && "3".equals(cellOf(groupRows().get(0), "parked")));
            assertThat(cellOf(groupRows().get(0), "reason")).isEqualTo("retries-exhausted");
            assertThat(cellOf(groupRows().get(1), "parked")).isEqualTo("2");
            assertThat(browser.findElement(By.id("groups-total")).getText()).contains("2");

            // One letter's headers and payload.
            groupRows().get(0).findElement(By.className("show-letters")).click();
            wait.until(d -> browser.findElements(By.cssSelector("#letters tbody tr")).size() == 3);
            browser.findElements(By.cssSelector("#letters tbody tr")).get(0).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("letter-detail")));
            String headers = browser.findElement(By.id("letter-headers")).getText();
            String payload = browser.findElement(By.id("letter-payload")).getText();
            assertThat(headers).contains("x-failure-reason").contains("retries-exhausted");
            assertThat(timeouts).anyMatch(payload::contains);

            // Replay the larger group: preview, confirm, progress, then the group is gone from the parked view.
            groupRows().get(0).findElement(By.className("replay")).click();
            wait.until(d -> browser.findElement(By.id("preview-text")).getText().startsWith("3 letters would be replayed"));
            browser.findElement(By.id("confirm-bulk")).click();
            wait.until(d -> "COMPLETED".equals(browser.findElement(By.id("job-status")).getDomAttribute("data-status")));
            assertThat(browser.findElement(By.id("job-status")).getText()).startsWith("COMPLETED: 3 of 3");
            wait.until(d -> groupRows().size() == 1 && "2".equals(cellOf(groupRows().get(0), "parked")));
            wait.until(d -> browser.findElements(By.cssSelector("#jobs tbody tr")).stream()
                    .anyMatch(r -> r.getText().contains("REPLAY") && r.getText().contains("COMPLETED")));

            File shot = browser.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), Path.of("target", "console.png"), StandardCopyOption.REPLACE_EXISTING);

            await("replays arrive").atMost(WAIT)
                    .until(() -> received.keySet().containsAll(timeouts));
            assertThat(received.values()).allMatch(n -> n == 1);
            assertThat(Db.count("SELECT count(*) FROM dead_letter WHERE message_type = ? AND status = 'REPLAYED'", type))
                    .isEqualTo(3);
        }
    }

    private List<WebElement> groupRows() {
        return browser.findElements(By.cssSelector("#groups tbody tr"));
    }

    private static String cellOf(WebElement row, String cls) {
        return row.findElement(By.className(cls)).getText();
    }

    private static List<String> park(String exchange, String type, Cause cause, int n) {
        List<Broker.Outgoing> out = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            out.add(FailedMessages.failed(exchange, "console.test", type, id, cause, FailedMessages.body(id)));
        }
        Broker.publish(out);
        await("parked").atMost(WAIT).until(() -> Db.count(
                "SELECT count(*) FROM dead_letter WHERE message_type = ? AND reason = ?", type, cause.reason()) == n);
        return ids;
    }
}
