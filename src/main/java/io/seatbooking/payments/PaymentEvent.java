package io.seatbooking.payments;

import java.util.UUID;

import io.seatbooking.payments.PaymentsTopology;

/**
 * A payment event as this service understands it, parsed from a CloudEvent.
 *
 * @param dedupeKey what the inbox deduplicates by (see {@link PaymentEventParser})
 * @param type {@code payment.succeeded} or {@code payment.failed}
 * @param bookingId the booking paid for
 * @param paymentId the payment service's id of the payment
 * @param amountCents the amount; null when a {@code payment.failed} does not say
 * @param currency the amount's currency (ISO 4217), or null when the event does not say
 */
public record PaymentEvent(String dedupeKey, String type, UUID bookingId, String paymentId, Long amountCents,
        String currency) {

    public boolean succeeded() {
        return PaymentsTopology.PAYMENT_SUCCEEDED.equals(type);
    }
}
