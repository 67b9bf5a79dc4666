package io.seatbooking.payments;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.Api.heldBooking;
import static io.seatbooking.support.Db.bookingStatus;
import static io.seatbooking.support.Db.deadLetters;
import static io.seatbooking.support.Db.eventCount;
import static io.seatbooking.support.Db.inboxOutcome;
import static io.seatbooking.support.Meters.count;
import static io.seatbooking.support.PaymentMessages.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.seatbooking.messaging.EventTypes;
import io.seatbooking.payments.PaymentsTopology;
import io.seatbooking.support.Db;
import io.seatbooking.support.EventCollector;
import io.seatbooking.support.Tokens;

/**
 * Transient failures for real: the database becomes unreachable (a TCP proxy closes) while
 * payments arrive. Retry delays are the test profile's: 200 ms, 500 ms, 1 s.
 */
@QuarkusTest
@TestProfile(DatabaseProxy.Profile.class)
class PaymentsFaultTest {

    private static final String SUCCEEDED = PaymentsTopology.PAYMENT_SUCCEEDED;

    @Inject
    MeterRegistry registry;

    /** Injected by {@link DatabaseProxy}: "close" makes the database unreachable, "open" brings it back. */
    Map<String, Runnable> databaseSwitches;

    @AfterEach
    void databaseBack() {
        reachable();
    }

    private void unreachable() {
        databaseSwitches.get("close").run();
    }

    private void reachable() {
        databaseSwitches.get("open").run();
    }

    @Test
    void aTransientFailureRetriesWithTheConfiguredDelaysAndThenSucceedsWithoutBlockingTheConsumer() {
        List<String> bookings = List.of(heldBooking(), heldBooking(), heldBooking());
        double firstRetries = count(registry, "payments.retries", "step", "1");
        double secondRetries = count(registry, "payments.retries", "step", "2");

        unreachable();
        long published = System.nanoTime();
        List<String> messageIds = new ArrayList<>();
        try (EventCollector tap = EventCollector.bookingEvents("booking.#")) {
            bookings.forEach(b -> messageIds.add(publish(SUCCEEDED, b, "pay-" + UUID.randomUUID())));

            // Every message fails, goes to the 200 ms delay queue, comes back, fails again and goes to
            // the 500 ms one: the consumer moves on from each failure instead of waiting it out.
            await().atMost(Duration.ofSeconds(10)).until(() -> count(registry, "payments.retries", "step", "1")
                    >= firstRetries + 3 && count(registry, "payments.retries", "step", "2") >= secondRetries + 3);
            reachable();

            await().atMost(Duration.ofSeconds(15)).until(() -> bookings.stream()
                    .allMatch(b -> tap.count(b, EventTypes.BOOKING_CONFIRMED) == 1));
            long elapsedMillis = (System.nanoTime() - published) / 1_000_000;
            assertThat(elapsedMillis).as("two retries wait at least 200 + 500 ms").isGreaterThanOrEqualTo(700);
        }
        for (int i = 0; i < bookings.size(); i++) {
            String booking = bookings.get(i);
            assertThat(bookingStatus(booking)).isEqualTo("CONFIRMED");
            assertThat(eventCount(booking, EventTypes.BOOKING_CONFIRMED)).isEqualTo(1);
            assertThat(inboxOutcome(messageIds.get(i))).isEqualTo("confirmed");
            assertThat(deadLetters(messageIds.get(i))).isEmpty();
        }
    }

    @Test
    void aMessageThatKeepsFailingIsParkedAfterTheLastRetryAndAReplayAfterTheFixAppliesItOnce() {
        String booking = heldBooking();
        double exhausted = count(registry, "payments.parked", "reason", "retries-exhausted");

        unreachable();
        String messageId = publish(SUCCEEDED, booking, "pay-" + UUID.randomUUID());
        // 1 + 3 attempts, 200 + 500 + 1000 ms apart, then to the dead letter exchange. Its drain
        // cannot store it while the database is away, so it stays in the dead letter queue.
        await().atMost(Duration.ofSeconds(15))
                .until(() -> count(registry, "payments.parked", "reason", "retries-exhausted") >= exhausted + 1);
        reachable();

        await().atMost(Duration.ofSeconds(15)).until(() -> deadLetters(messageId).size() == 1);
        Db.ParkedLetter letter = deadLetters(messageId).get(0);
        assertThat(letter.reason()).isEqualTo("retries-exhausted");
        assertThat(letter.attempts()).isEqualTo(4);
        assertThat(letter.status()).isEqualTo("PARKED");
        assertThat(bookingStatus(booking)).isEqualTo("HELD");
        String admin = Tokens.admin();
        given().auth().oauth2(admin)
                .queryParam("reason", "retries-exhausted").queryParam("routingKey", SUCCEEDED).queryParam("size", 100)
                .when().get("/api/admin/dead-letters")
                .then().statusCode(200).body("items.id", org.hamcrest.Matchers.hasItem(letter.id()));
        given().auth().oauth2(admin)
                .when().get("/api/admin/dead-letters/{id}", letter.id())
                .then().statusCode(200)
                .body("attempts", equalTo(4))
                .body("messageId", equalTo(messageId))
                .body("originalRoutingKey", equalTo(SUCCEEDED))
                .body("headers.'x-original-exchange'", equalTo("payments"))
                .body("exceptionSummary", containsString("Exception"));

        try (EventCollector tap = EventCollector.bookingEvents("booking.#")) {
            given().auth().oauth2(admin)
                    .when().post("/api/admin/dead-letters/{id}/replay", letter.id())
                    .then().statusCode(202);

            await().atMost(Duration.ofSeconds(15)).until(() -> tap.count(booking, EventTypes.BOOKING_CONFIRMED) == 1);
            // The same message arriving once more (the payments service sending it again) is a duplicate.
            double duplicates = count(registry, "payments.inbox.duplicates");
            publish(SUCCEEDED, messageId, booking, "pay-other");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> count(registry, "payments.inbox.duplicates") >= duplicates + 1);
        }
        assertThat(bookingStatus(booking)).isEqualTo("CONFIRMED");
        assertThat(eventCount(booking, EventTypes.BOOKING_CONFIRMED)).isEqualTo(1);
        assertThat(inboxOutcome(messageId)).isEqualTo("confirmed");
        given().auth().oauth2(admin)
                .when().post("/api/admin/dead-letters/{id}/replay", letter.id())
                .then().statusCode(409);
    }
}
