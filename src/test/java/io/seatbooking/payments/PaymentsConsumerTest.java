package io.seatbooking.payments;

import static io.seatbooking.payments.PaymentsTestSupport.bookingStatus;
import static io.seatbooking.payments.PaymentsTestSupport.bookingVersion;
import static io.seatbooking.payments.PaymentsTestSupport.count;
import static io.seatbooking.payments.PaymentsTestSupport.deadLetters;
import static io.seatbooking.payments.PaymentsTestSupport.eventCount;
import static io.seatbooking.payments.PaymentsTestSupport.events;
import static io.seatbooking.payments.PaymentsTestSupport.heldBooking;
import static io.seatbooking.payments.PaymentsTestSupport.inboxOutcome;
import static io.seatbooking.payments.PaymentsTestSupport.paymentEvent;
import static io.seatbooking.payments.PaymentsTestSupport.props;
import static io.seatbooking.payments.PaymentsTestSupport.publishAll;
import static io.seatbooking.payments.PaymentsTestSupport.publishPayment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.seatbooking.messaging.EventTypes;
import io.seatbooking.payments.PaymentsTestSupport.Outgoing;
import io.seatbooking.payments.PaymentsTopology;

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
        UUID booking = heldBooking();
        String paymentId = "pay-" + UUID.randomUUID();
        try (EventTap tap = new EventTap()) {

            String messageId = publishPayment(SUCCEEDED, booking, paymentId);

            await().atMost(WAIT).until(() -> tap.count(booking, EventTypes.BOOKING_CONFIRMED) == 1);
            assertThat(inboxOutcome(messageId)).isEqualTo("confirmed");
        }
        assertThat(bookingStatus(booking)).isEqualTo("CONFIRMED");
        assertThat(PaymentsTestSupport.single("SELECT payment_reference FROM booking WHERE id = ?", booking))
                .isEqualTo(paymentId);
        assertThat(events(booking)).containsExactly(EventTypes.BOOKING_HELD + "@1", EventTypes.BOOKING_CONFIRMED + "@2");
    }

    @Test
    void theSameMessageDeliveredTwiceConfirmsOnceAndPublishesOnce() {
        UUID booking = heldBooking();
        String messageId = UUID.randomUUID().toString();
        byte[] body = paymentEvent(SUCCEEDED, messageId, booking, "pay-" + UUID.randomUUID(), 4200);
        double duplicatesBefore = count(registry, "payments.inbox.duplicates");

        // Back to back on one channel: the second may well be processed while the first commits.
        Outgoing message = new Outgoing(PaymentsTopology.PAYMENTS_EXCHANGE, SUCCEEDED, props(messageId, Map.of()), body);
        try (EventTap tap = new EventTap()) {

            publishAll(List.of(message, message));

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

    @Test
    void theSamePaymentUnderANewMessageIdIsAlreadyApplied() {
        UUID booking = heldBooking();
        String paymentId = "pay-" + UUID.randomUUID();
        publishPayment(SUCCEEDED, booking, paymentId);
        await().atMost(WAIT).until(() -> "CONFIRMED".equals(bookingStatus(booking)));
        long version = bookingVersion(booking);

        String again = publishPayment(SUCCEEDED, booking, paymentId);

        await().atMost(WAIT).until(() -> inboxOutcome(again) != null);
        assertThat(inboxOutcome(again)).isEqualTo("already-applied");
        assertThat(bookingVersion(booking)).isEqualTo(version);
        assertThat(eventCount(booking, EventTypes.BOOKING_CONFIRMED)).isEqualTo(1);
        assertThat(eventCount(booking, EventTypes.BOOKING_REFUND_REQUESTED)).isZero();
    }

    @Test
    void aPaymentForAnExpiredBookingRequestsARefund() {
        UUID booking = heldBooking();
        PaymentsTestSupport.execute("UPDATE booking SET expires_at = now() - interval '1 second' WHERE id = ?", booking);
        await().atMost(WAIT).until(() -> "EXPIRED".equals(bookingStatus(booking)));

        String messageId = publishPayment(SUCCEEDED, booking, "pay-" + UUID.randomUUID());

        await().atMost(WAIT).until(() -> eventCount(booking, EventTypes.BOOKING_REFUND_REQUESTED) == 1);
        assertThat(bookingStatus(booking)).isEqualTo("EXPIRED");
        // The refund request orders after the expiry: the booking's version moved on for it.
        assertThat(events(booking)).containsExactly(EventTypes.BOOKING_HELD + "@1", EventTypes.BOOKING_EXPIRED + "@2",
                EventTypes.BOOKING_REFUND_REQUESTED + "@3");
        assertThat(bookingVersion(booking)).isEqualTo(3);
        assertThat(inboxOutcome(messageId)).isEqualTo("refund-requested");
    }

    @Test
    void aPaymentAfterTheHoldRanOutRequestsARefundWhetherOrNotTheSweeperCameFirst() {
        UUID booking = heldBooking();
        PaymentsTestSupport.execute("UPDATE booking SET expires_at = now() - interval '1 second' WHERE id = ?", booking);

        // Published at once: the consumer may find the booking still HELD (it then expires it
        // itself) or already EXPIRED by the sweeper. Either way: expired once, refund requested once.
        String messageId = publishPayment(SUCCEEDED, booking, "pay-" + UUID.randomUUID());

        await().atMost(WAIT).until(() -> inboxOutcome(messageId) != null);
        assertThat(inboxOutcome(messageId)).isEqualTo("refund-requested");
        assertThat(events(booking)).containsExactly(EventTypes.BOOKING_HELD + "@1", EventTypes.BOOKING_EXPIRED + "@2",
                EventTypes.BOOKING_REFUND_REQUESTED + "@3");
        assertThat(bookingStatus(booking)).isEqualTo("EXPIRED");
    }

    @Test
    void theInboxForgetsMessageIdsOlderThanItsRetention() throws Throwable {
        UUID booking = heldBooking();
        String old = "old-" + UUID.randomUUID();
        String recent = "recent-" + UUID.randomUUID();
        PaymentsTestSupport.execute("INSERT INTO payment_inbox (message_id, event_type, booking_id, payment_id, outcome,"
                + " processed_at) VALUES (?, 'payment.succeeded', ?, 'p', 'confirmed', now() - interval '31 days')",
                old, booking);
        PaymentsTestSupport.execute("INSERT INTO payment_inbox (message_id, event_type, booking_id, payment_id, outcome,"
                + " processed_at) VALUES (?, 'payment.succeeded', ?, 'p', 'confirmed', now() - interval '29 days')",
                recent, booking);

        while (VertxContextSupport.subscribeAndAwait(() -> purger.purgeOnce()) > 0) {
            // full batches: go on until the old rows are gone
        }

        assertThat(inboxOutcome(old)).isNull();
        assertThat(inboxOutcome(recent)).isEqualTo("confirmed");
    }

    @Test
    void aPaymentForABookingConfirmedByAnotherPaymentRequestsARefund() {
        UUID booking = heldBooking();
        publishPayment(SUCCEEDED, booking, "pay-first-" + UUID.randomUUID());
        await().atMost(WAIT).until(() -> "CONFIRMED".equals(bookingStatus(booking)));

        publishPayment(SUCCEEDED, booking, "pay-second-" + UUID.randomUUID());

        await().atMost(WAIT).until(() -> eventCount(booking, EventTypes.BOOKING_REFUND_REQUESTED) == 1);
        assertThat(bookingStatus(booking)).isEqualTo("CONFIRMED");
        String refund = PaymentsTestSupport.single("SELECT convert_from(payload, 'UTF8') FROM outbox_event"
                + " WHERE subject = ? AND event_type = 'booking.refund-requested'", booking.toString());
        assertThat(refund).contains("pay-second-").contains("\"reason\":\"booking-paid-by-another-payment\"");
    }

    @Test
    void paymentFailedCancelsAHeldBooking() {
        UUID booking = heldBooking();

        String messageId = publishPayment(FAILED, booking, "pay-" + UUID.randomUUID());

        await().atMost(WAIT).until(() -> "CANCELLED".equals(bookingStatus(booking)));
        assertThat(eventCount(booking, EventTypes.BOOKING_CANCELLED)).isEqualTo(1);
        assertThat(inboxOutcome(messageId)).isEqualTo("cancelled");
    }

    @Test
    void paymentFailedAfterPaymentSucceededChangesNothing() {
        UUID booking = heldBooking();
        String paymentId = "pay-" + UUID.randomUUID();
        publishPayment(SUCCEEDED, booking, paymentId);
        await().atMost(WAIT).until(() -> "CONFIRMED".equals(bookingStatus(booking)));
        long version = bookingVersion(booking);

        String failed = publishPayment(FAILED, booking, paymentId);

        await().atMost(WAIT).until(() -> inboxOutcome(failed) != null);
        assertThat(inboxOutcome(failed)).isEqualTo("no-change");
        assertThat(bookingStatus(booking)).isEqualTo("CONFIRMED");
        assertThat(bookingVersion(booking)).isEqualTo(version);
        assertThat(events(booking)).containsExactly(EventTypes.BOOKING_HELD + "@1", EventTypes.BOOKING_CONFIRMED + "@2");
    }

    @Test
    void paymentSucceededAfterPaymentFailedRequestsARefund() {
        UUID booking = heldBooking();
        publishPayment(FAILED, booking, "pay-" + UUID.randomUUID());
        await().atMost(WAIT).until(() -> "CANCELLED".equals(bookingStatus(booking)));

        publishPayment(SUCCEEDED, booking, "pay-" + UUID.randomUUID());

        await().atMost(WAIT).until(() -> eventCount(booking, EventTypes.BOOKING_REFUND_REQUESTED) == 1);
        assertThat(bookingStatus(booking)).isEqualTo("CANCELLED");
    }

    @Test
    void aPaymentForAnUnknownBookingIsParkedAtOnce() {
        double retriesBefore = count(registry, "payments.retries");

        String messageId = publishPayment(SUCCEEDED, UUID.randomUUID(), "pay-" + UUID.randomUUID());

        await().atMost(WAIT).until(() -> !deadLetters(messageId).isEmpty());
        assertThat(deadLetters(messageId)).singleElement().asString().startsWith("unknown-booking|1|PARKED|");
        assertThat(count(registry, "payments.retries")).isEqualTo(retriesBefore);
    }
}
