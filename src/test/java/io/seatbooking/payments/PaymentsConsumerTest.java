package io.seatbooking.payments;

import static io.restassured.RestAssured.given;
import static io.seatbooking.support.Api.heldBooking;
import static io.seatbooking.support.Db.bookingStatus;
import static io.seatbooking.support.Db.bookingVersion;
import static io.seatbooking.support.Db.deadLetters;
import static io.seatbooking.support.Db.eventCount;
import static io.seatbooking.support.Db.eventTypesAndSequences;
import static io.seatbooking.support.Db.inboxOutcome;
import static io.seatbooking.support.Meters.count;
import static io.seatbooking.support.PaymentMessages.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.seatbooking.messaging.EventTypes;
import io.seatbooking.payments.PaymentsTopology;
import io.restassured.http.ContentType;
import io.seatbooking.support.Api;
import io.seatbooking.support.Broker;
import io.seatbooking.support.Db;
import io.seatbooking.support.EventCollector;
import io.seatbooking.support.PaymentMessages;
import io.seatbooking.support.Tokens;

/** The payments consumer against the real broker and database: effects, duplicates, late events. */
@QuarkusTest
class PaymentsConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SUCCEEDED = PaymentsTopology.PAYMENT_SUCCEEDED;
    private static final String FAILED = PaymentsTopology.PAYMENT_FAILED;

    @Inject
    MeterRegistry registry;

    @Inject
    InboxPurger purger;

    @Test
    void paymentForHeldBookingConfirmsItAndPublishesBookingConfirmed() {
        String booking = heldBooking();
        String paymentId = "pay-" + UUID.randomUUID();
        try (EventCollector tap = EventCollector.bookingEvents("booking.#")) {

            String messageId = publish(SUCCEEDED, booking, paymentId);

            await().atMost(WAIT).until(() -> tap.count(booking, EventTypes.BOOKING_CONFIRMED) == 1);
            assertThat(inboxOutcome(messageId)).isEqualTo("confirmed");
        }
        assertThat(bookingStatus(booking)).isEqualTo("CONFIRMED");
        assertThat(Db.value("SELECT payment_reference FROM booking WHERE id = ?::uuid", booking))
                .isEqualTo(paymentId);
        assertThat(eventTypesAndSequences(booking))
                .containsExactly(EventTypes.BOOKING_HELD + "@1", EventTypes.BOOKING_CONFIRMED + "@2");
    }

    @Test
    void aPaymentOfTheFrozenTotalConfirmsAPricedBooking() {
        String booking = pricedHold();
        String messageId = UUID.randomUUID().toString();

        Broker.publish(List.of(PaymentMessages.payment(SUCCEEDED, messageId, booking, "pay-" + messageId, 7000, "CHF")));

        assertThat(outcomeOf(messageId)).isEqualTo("confirmed");
        assertThat(bookingStatus(booking)).isEqualTo("CONFIRMED");
    }

    @Test
    void aPaymentOfAnotherAmountOrCurrencyLeavesTheBookingAndRequestsARefund() {
        for (var paid : List.of(new Object[] { 6999L, "CHF" }, new Object[] { 7000L, "EUR" },
                new Object[] { 7000L, null })) {
            String booking = pricedHold();
            double mismatches = count(registry, "payments.amount.mismatches");
            String messageId = UUID.randomUUID().toString();
            byte[] body = paid[1] == null
                    ? new String(PaymentMessages.event(SUCCEEDED, messageId, booking, "pay-x", (Long) paid[0]),
                            StandardCharsets.UTF_8).replace(",\"currency\":\"EUR\"", "")
                            .getBytes(StandardCharsets.UTF_8)
                    : PaymentMessages.event(SUCCEEDED, messageId, booking, "pay-x", (Long) paid[0], (String) paid[1]);

            PaymentMessages.publish(SUCCEEDED, PaymentMessages.properties(messageId, Map.of()), body);

            assertThat(outcomeOf(messageId)).as("paid %s %s", paid[0], paid[1]).isEqualTo("refund-requested");
            assertThat(bookingStatus(booking)).isEqualTo("HELD");
            assertThat(Db.value("SELECT convert_from(payload, 'UTF8')::jsonb -> 'data' ->> 'reason' FROM outbox_event "
                    + "WHERE subject = ? AND event_type = 'booking.refund-requested'", booking))
                    .isEqualTo("amount-mismatch");
            assertThat(count(registry, "payments.amount.mismatches")).isEqualTo(mismatches + 1);
        }
    }

    /** A HELD booking of two seats priced 3500 CHF each (total 7000 CHF). */
    private static String pricedHold() {
        String showId = given().auth().oauth2(Tokens.admin())
                .contentType(ContentType.JSON)
                .body(Map.of("title", "Priced", "startsAt", "2031-01-01T20:00:00Z", "seats",
                        List.of("A1", "A2"), "currency", "CHF", "priceCategories",
                        List.of(Map.of("name", "any", "priceCents", 3500))))
                .when().post("/api/shows").then().statusCode(201).extract().path("id");
        return Api.holdSeats(
                Tokens.customer(Tokens.newCustomerId("payer")), showId,
                "A1", "A2");
    }

    @Test
    void theSameMessageDeliveredTwiceConfirmsOnceAndPublishesOnce() {
        String booking = heldBooking();
        String messageId = UUID.randomUUID().toString();
        double duplicatesBefore = count(registry, "payments.inbox.duplicates");

        // Back to back on one channel: the second may well be processed while the first commits.
        Broker.Outgoing message = PaymentMessages.payment(SUCCEEDED, messageId, booking, "pay-" + UUID.randomUUID());
        try (EventCollector tap = EventCollector.bookingEvents("booking.#")) {

            Broker.publish(List.of(message, message));

            await().atMost(WAIT).until(() -> count(registry, "payments.inbox.duplicates") >= duplicatesBefore + 1
                    && tap.count(booking, EventTypes.BOOKING_CONFIRMED) >= 1);
            // Both deliveries are settled and the relay has published: one event, on the wire too.
            await().during(Duration.ofMillis(500)).atMost(WAIT)
                    .until(() -> tap.count(booking, EventTypes.BOOKING_CONFIRMED) == 1);
        }
        assertThat(bookingStatus(booking)).isEqualTo("CONFIRMED");
        assertThat(eventCount(booking, EventTypes.BOOKING_CONFIRMED)).isEqualTo(1);
        assertThat(deadLetters(messageId)).isEmpty();
    }

    /**
     * The inbox, not a look-up before the decision, tells a redelivery: after the booking was
     * cancelled, the confirming message again would decide "refund", and its inbox insert finds the
     * first delivery's row and rolls that back.
     */
    @Test
    void theSameMessageAgainAfterTheBookingMovedOnIsADuplicate() {
        Api.Held held = Api.newHold("A1");
        String messageId = UUID.randomUUID().toString();
        Broker.Outgoing message = PaymentMessages.payment(SUCCEEDED, messageId, held.bookingId(),
                "pay-" + UUID.randomUUID());
        Broker.publish(List.of(message));
        assertThat(outcomeOf(messageId)).isEqualTo("confirmed");
        Api.cancel(held.customer(), held.bookingId()).then().statusCode(200);
        long version = bookingVersion(held.bookingId());
        double duplicatesBefore = count(registry, "payments.inbox.duplicates");

        Broker.publish(List.of(message));

        await().atMost(WAIT).until(() -> count(registry, "payments.inbox.duplicates") >= duplicatesBefore + 1);
        assertThat(bookingStatus(held.bookingId())).isEqualTo("CANCELLED");
        assertThat(bookingVersion(held.bookingId())).isEqualTo(version);
        assertThat(eventCount(held.bookingId(), EventTypes.BOOKING_REFUND_REQUESTED)).isZero();
        assertThat(inboxOutcome(messageId)).isEqualTo("confirmed");
        assertThat(deadLetters(messageId)).isEmpty();
    }

    @Test
    void theSamePaymentUnderANewMessageIdIsAlreadyApplied() {
        aSecondMessageOfTheSamePaymentChangesNothing(SUCCEEDED, "already-applied");
    }

    @Test
    void aPaymentForAnExpiredBookingRequestsARefund() {
        String booking = heldBooking();
        Db.expireHold(booking);
        await().atMost(WAIT).until(() -> "EXPIRED".equals(bookingStatus(booking)));

        String messageId = publish(SUCCEEDED, booking, "pay-" + UUID.randomUUID());

        await().atMost(WAIT).until(() -> eventCount(booking, EventTypes.BOOKING_REFUND_REQUESTED) == 1);
        assertThat(bookingStatus(booking)).isEqualTo("EXPIRED");
        // The refund request orders after the expiry: the booking's version moved on for it.
        assertThat(eventTypesAndSequences(booking)).containsExactly(EventTypes.BOOKING_HELD + "@1",
                EventTypes.BOOKING_EXPIRED + "@2", EventTypes.BOOKING_REFUND_REQUESTED + "@3");
        assertThat(bookingVersion(booking)).isEqualTo(3);
        assertThat(inboxOutcome(messageId)).isEqualTo("refund-requested");
    }

    @Test
    void aPaymentAfterTheHoldRanOutRequestsARefundWhetherOrNotTheSweeperCameFirst() {
        String booking = heldBooking();
        Db.expireHold(booking);

        // Published at once: the consumer may find the booking still HELD (it then expires it
        // itself) or already EXPIRED by the sweeper. Either way: expired once, refund requested once.
        String messageId = publish(SUCCEEDED, booking, "pay-" + UUID.randomUUID());

        assertThat(outcomeOf(messageId)).isEqualTo("refund-requested");
        assertThat(eventTypesAndSequences(booking)).containsExactly(EventTypes.BOOKING_HELD + "@1",
                EventTypes.BOOKING_EXPIRED + "@2", EventTypes.BOOKING_REFUND_REQUESTED + "@3");
        assertThat(bookingStatus(booking)).isEqualTo("EXPIRED");
    }

    @Test
    void theInboxForgetsMessageIdsOlderThanItsRetention() throws Throwable {
        String booking = heldBooking();
        String old = "old-" + UUID.randomUUID();
        String recent = "recent-" + UUID.randomUUID();
        Db.update("INSERT INTO payment_inbox (message_id, event_type, booking_id, payment_id, outcome,"
                + " processed_at) VALUES (?, 'payment.succeeded', ?::uuid, 'p', 'confirmed', now() - interval '31 days')",
                old, booking);
        Db.update("INSERT INTO payment_inbox (message_id, event_type, booking_id, payment_id, outcome,"
                + " processed_at) VALUES (?, 'payment.succeeded', ?::uuid, 'p', 'confirmed', now() - interval '29 days')",
                recent, booking);

        while (VertxContextSupport.subscribeAndAwait(() -> purger.purgeOnce()) > 0) {
            // full batches: go on until the old rows are gone
        }

        assertThat(inboxOutcome(old)).isNull();
        assertThat(inboxOutcome(recent)).isEqualTo("confirmed");
    }

    @Test
    void aPaymentForABookingConfirmedByAnotherPaymentRequestsARefund() {
        String booking = heldBooking();
        applied(SUCCEEDED, booking, "pay-first-" + UUID.randomUUID(), "CONFIRMED");

        publish(SUCCEEDED, booking, "pay-second-" + UUID.randomUUID());

        await().atMost(WAIT).until(() -> eventCount(booking, EventTypes.BOOKING_REFUND_REQUESTED) == 1);
        assertThat(bookingStatus(booking)).isEqualTo("CONFIRMED");
        String refund = Db.value("SELECT convert_from(payload, 'UTF8') FROM outbox_event"
                + " WHERE subject = ? AND event_type = 'booking.refund-requested'", booking);
        assertThat(refund).contains("pay-second-").contains("\"reason\":\"booking-paid-by-another-payment\"");
    }

    @Test
    void paymentFailedCancelsAHeldBooking() {
        String booking = heldBooking();

        String messageId = publish(FAILED, booking, "pay-" + UUID.randomUUID());

        await().atMost(WAIT).until(() -> "CANCELLED".equals(bookingStatus(booking)));
        assertThat(eventCount(booking, EventTypes.BOOKING_CANCELLED)).isEqualTo(1);
        assertThat(inboxOutcome(messageId)).isEqualTo("cancelled");
    }

    @Test
    void paymentFailedAfterPaymentSucceededChangesNothing() {
        aSecondMessageOfTheSamePaymentChangesNothing(FAILED, "no-change");
    }

    @Test
    void paymentSucceededAfterPaymentFailedRequestsARefund() {
        String booking = heldBooking();
        applied(FAILED, booking, "pay-" + UUID.randomUUID(), "CANCELLED");

        publish(SUCCEEDED, booking, "pay-" + UUID.randomUUID());

        await().atMost(WAIT).until(() -> eventCount(booking, EventTypes.BOOKING_REFUND_REQUESTED) == 1);
        assertThat(bookingStatus(booking)).isEqualTo("CANCELLED");
    }

    @Test
    void aPaymentForAnUnknownBookingIsParkedAtOnce() {
        double retriesBefore = count(registry, "payments.retries");

        String messageId = publish(SUCCEEDED, UUID.randomUUID().toString(), "pay-" + UUID.randomUUID());

        await().atMost(WAIT).until(() -> !deadLetters(messageId).isEmpty());
        assertThat(deadLetters(messageId)).singleElement()
                .extracting(Db.ParkedLetter::reason, Db.ParkedLetter::attempts, Db.ParkedLetter::status)
                .containsExactly("unknown-booking", 1, "PARKED");
        assertThat(count(registry, "payments.retries")).isEqualTo(retriesBefore);
    }

    /**
     * A booking confirmed by a payment; then a message of {@code type} about the same payment,
     * under a new message id. Its inbox outcome is {@code outcome}, and it changes nothing: the
     * booking stays CONFIRMED at its version, with its two events and no refund request.
     */
    private static void aSecondMessageOfTheSamePaymentChangesNothing(String type, String outcome) {
        String booking = heldBooking();
        String paymentId = "pay-" + UUID.randomUUID();
        applied(SUCCEEDED, booking, paymentId, "CONFIRMED");
        long version = bookingVersion(booking);

        String second = publish(type, booking, paymentId);

        assertThat(outcomeOf(second)).isEqualTo(outcome);
        assertThat(bookingStatus(booking)).isEqualTo("CONFIRMED");
        assertThat(bookingVersion(booking)).isEqualTo(version);
        assertThat(eventCount(booking, EventTypes.BOOKING_CONFIRMED)).isEqualTo(1);
        assertThat(eventCount(booking, EventTypes.BOOKING_REFUND_REQUESTED)).isZero();
        assertThat(eventTypesAndSequences(booking)).containsExactly(EventTypes.BOOKING_HELD + "@1",
                EventTypes.BOOKING_CONFIRMED + "@2");
    }

    /** Publishes a payment for the booking and waits until the consumer moved the booking to {@code status}. */
    private static void applied(String type, String booking, String paymentId, String status) {
        publish(type, booking, paymentId);
        await().atMost(WAIT).until(() -> status.equals(bookingStatus(booking)));
    }

    /** The inbox's outcome for a message, once the consumer has processed it. */
    private static String outcomeOf(String messageId) {
        return await().atMost(WAIT).until(() -> inboxOutcome(messageId), Objects::nonNull);
    }
}
