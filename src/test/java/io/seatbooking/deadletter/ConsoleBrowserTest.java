package io.seatbooking.deadletter;

import static io.seatbooking.support.ConsoleBrowser.cell;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.seatbooking.support.Broker;
import io.seatbooking.support.ConsoleBrowser;
import io.seatbooking.support.Db;
import io.seatbooking.support.FailedMessages;
import io.seatbooking.support.FailedMessages.Cause;
import io.seatbooking.support.Tokens;

/**
 * The operator console in a real headless Chromium ({@link ConsoleBrowser}): load it with a pasted
 * token, filter, open a letter, replay a group with its preview and see the progress and the
 * resulting state. Leaves a screenshot in target/console.png.
 */
@QuarkusTest
class ConsoleBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/console/")
    URL console;

    @Test
    void anOperatorFiltersOpensALetterAndReplaysAGroupWatchingItsProgress() throws Exception {
        String type = "console." + UUID.randomUUID();
        String exchange = "console-test-" + UUID.randomUUID();
        Map<String, Integer> received = new ConcurrentHashMap<>();
        try (Connection connection = Broker.factory().newConnection("console-test");
                Channel channel = connection.createChannel();
                ConsoleBrowser browser = ConsoleBrowser.open(console.toString(), Tokens.admin(), WAIT)) {
            channel.exchangeDeclare(exchange, "topic", false, true, null);
            String queue = channel.queueDeclare("", false, true, true, null).getQueue();
            channel.queueBind(queue, exchange, "#");
            channel.basicConsume(queue, true, (tag, d) -> received.merge(d.getProperties().getMessageId(), 1,
                    Integer::sum), tag -> { });
            List<String> timeouts = park(exchange, type, new Cause("retries-exhausted",
                    "TimeoutException: provider did not answer", "PaymentsConsumer.process"), 3);
            park(exchange, type, new Cause("unparseable", null, null), 2);

            browser.filterByMessageType(type);

            // Two groups of this type, the larger first, with the counts the API has.
            browser.await().until(d -> browser.groupRows().size() == 2
                    && "3".equals(cell(browser.groupRows().get(0), "parked")));
            assertThat(cell(browser.groupRows().get(0), "reason")).isEqualTo("retries-exhausted");
            assertThat(cell(browser.groupRows().get(1), "parked")).isEqualTo("2");
            assertThat(browser.byId("groups-total").getText()).contains("2");

            // One letter's headers and payload.
            browser.groupRows().get(0).findElement(By.className("show-letters")).click();
            browser.await().until(d -> browser.rows("letters").size() == 3);
            browser.rows("letters").get(0).click();
            browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.id("letter-detail")));
            assertThat(browser.byId("letter-headers").getText()).contains("x-failure-reason").contains("retries-exhausted");
            String payload = browser.byId("letter-payload").getText();
            assertThat(timeouts).anyMatch(payload::contains);

            // Replay the larger group: preview, confirm, progress, then the group is gone from the parked view.
            browser.groupRows().get(0).findElement(By.className("replay")).click();
            browser.await().until(d -> browser.byId("preview-text").getText().startsWith("3 letters would be replayed"));
            browser.byId("confirm-bulk").click();
            browser.await().until(d -> "COMPLETED".equals(browser.byId("job-status").getDomAttribute("data-status")));
            assertThat(browser.byId("job-status").getText()).startsWith("COMPLETED: 3 of 3");
            browser.await().until(d -> browser.groupRows().size() == 1
                    && "2".equals(cell(browser.groupRows().get(0), "parked")));
            browser.await().until(d -> browser.rows("jobs").stream()
                    .anyMatch(r -> r.getText().contains("REPLAY") && r.getText().contains("COMPLETED")));
            browser.await().until(d -> browser.rows("letters").stream().allMatch(r -> cell(r, "status").equals("REPLAYED")));
            browser.screenshot(Path.of("target", "console.png"));

            await("replays arrive").atMost(WAIT).until(() -> received.keySet().containsAll(timeouts));
            assertThat(received.values()).allMatch(n -> n == 1);
            assertThat(Db.count("SELECT count(*) FROM dead_letter WHERE message_type = ? AND status = 'REPLAYED'", type))
                    .isEqualTo(3);
        }
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
