package io.seatbooking.payments;

import static io.seatbooking.support.Db.bookingStatus;
import static io.seatbooking.support.Db.eventCount;
import static io.seatbooking.support.Db.inboxOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.seatbooking.messaging.EventTypes;
import io.seatbooking.support.Api;
import io.seatbooking.support.Broker;
import io.seatbooking.support.PaymentMessages;
import io.seatbooking.support.Tokens;

/**
 * Many payments at once, applied by the consumer's concurrent copies: each booking is confirmed
 * exactly once, with one {@code booking.confirmed} event, whatever ran beside it: the same message
 * twice, and a second payment for the same booking, published back to back.
 */
@QuarkusTest
class PaymentsConcurrencyTest {

    private static final int BOOKINGS = 40;

    @Test
    void manyPaymentsInParallelEachApplyOnce() {
        String showId = Api.createShow(BOOKINGS);
        List<String> bookings = new ArrayList<>();
        for (int i = 1; i <= BOOKINGS; i++) {
            bookings.add(Api.holdSeats(Tokens.customer(Tokens.newCustomerId("payer")), showId, "A" + i));
        }
        List<Broker.Outgoing> messages = new ArrayList<>();
        List<String> firstMessages = new ArrayList<>();
        List<String> secondPayments = new ArrayList<>();
        for (String booking : bookings) {
            String messageId = UUID.randomUUID().toString();
            firstMessages.add(messageId);
            Broker.Outgoing payment = PaymentMessages.payment(PaymentsTopology.PAYMENT_SUCCEEDED, messageId, booking,
                    "pay-" + UUID.randomUUID());
            String second = UUID.randomUUID().toString();
            secondPayments.add(second);
            // The message twice, and another payment for the same booking, all back to back.
            messages.add(payment);
            messages.add(payment);
            messages.add(PaymentMessages.payment(PaymentsTopology.PAYMENT_SUCCEEDED, second, booking,
                    "pay-" + UUID.randomUUID()));
        }

        Broker.publish(messages);

        await().atMost(Duration.ofSeconds(60)).until(() -> secondPayments.stream().allMatch(m -> inboxOutcome(m) != null)
                && firstMessages.stream().allMatch(m -> inboxOutcome(m) != null));
        for (int i = 0; i < BOOKINGS; i++) {
            String booking = bookings.get(i);
            assertThat(bookingStatus(booking)).as(booking).isEqualTo("CONFIRMED");
            assertThat(eventCount(booking, EventTypes.BOOKING_CONFIRMED)).as(booking).isEqualTo(1);
            // One of the two payments confirmed the booking; the other asks for its refund.
            assertThat(List.of(inboxOutcome(firstMessages.get(i)), inboxOutcome(secondPayments.get(i))))
                    .as(booking).containsExactlyInAnyOrder("confirmed", "refund-requested");
        }
    }
}
