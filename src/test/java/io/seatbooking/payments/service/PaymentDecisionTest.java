package io.seatbooking.payments.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.seatbooking.booking.BookingStatus;

/**
 * The whole decision table of a payment event (docs/payments.md, "What a payment does"): every
 * combination of event, booking status, hold run out (only a HELD booking's hold can run out) and
 * the payment reference the booking carries (none, this payment's, another payment's).
 */
class PaymentDecisionTest {

    private static final String PAYMENT = "pay-1";

    @ParameterizedTest(name = "{0} / {1} / hold ran out {2} / reference {3} -> {4}")
    @CsvSource(textBlock = """
            # event     | booking   | hold ran out | reference | decision
            succeeded   | HELD      | false        | none      | CONFIRM
            succeeded   | HELD      | true         | none      | EXPIRE_THEN_DECIDE_AGAIN
            succeeded   | HELD      | false        | this      | ALREADY_APPLIED
            succeeded   | HELD      | true         | this      | ALREADY_APPLIED
            succeeded   | HELD      | false        | other     | CONFIRM
            succeeded   | HELD      | true         | other     | EXPIRE_THEN_DECIDE_AGAIN
            succeeded   | CONFIRMED | false        | none      | KEEP_CONFIRMATION_WITHOUT_PAYMENT
            succeeded   | CONFIRMED | false        | this      | ALREADY_APPLIED
            succeeded   | CONFIRMED | false        | other     | REFUND_PAID_BY_ANOTHER
            succeeded   | EXPIRED   | false        | none      | REFUND_EXPIRED
            succeeded   | EXPIRED   | false        | this      | ALREADY_APPLIED
            succeeded   | EXPIRED   | false        | other     | REFUND_EXPIRED
            succeeded   | CANCELLED | false        | none      | REFUND_CANCELLED
            succeeded   | CANCELLED | false        | this      | ALREADY_APPLIED
            succeeded   | CANCELLED | false        | other     | REFUND_CANCELLED
            failed      | HELD      | false        | none      | CANCEL
            failed      | HELD      | true         | none      | NO_CHANGE
            failed      | HELD      | false        | this      | CANCEL
            failed      | HELD      | true         | this      | NO_CHANGE
            failed      | HELD      | false        | other     | CANCEL
            failed      | HELD      | true         | other     | NO_CHANGE
            failed      | CONFIRMED | false        | none      | NO_CHANGE
            failed      | CONFIRMED | false        | this      | NO_CHANGE
            failed      | CONFIRMED | false        | other     | NO_CHANGE
            failed      | EXPIRED   | false        | none      | NO_CHANGE
            failed      | EXPIRED   | false        | this      | NO_CHANGE
            failed      | EXPIRED   | false        | other     | NO_CHANGE
            failed      | CANCELLED | false        | none      | NO_CHANGE
            failed      | CANCELLED | false        | this      | NO_CHANGE
            failed      | CANCELLED | false        | other     | NO_CHANGE
            """, delimiter = '|')
    void decidesByTheTable(String event, BookingStatus status, boolean holdRanOut, String reference,
            PaymentDecision expected) {
        String bookingReference = switch (reference) {
            case "none" -> null;
            case "this" -> PAYMENT;
            default -> "pay-other";
        };

        assertThat(PaymentDecision.of(event.equals("succeeded"), status, holdRanOut, bookingReference, PAYMENT, true))
                .isEqualTo(expected);
    }

    @Test
    void aPaymentOfAnotherAmountOrCurrencyForALiveHoldIsRefundedNotConfirmed() {
        assertThat(PaymentDecision.of(true, BookingStatus.HELD, false, null, PAYMENT, false))
                .isEqualTo(PaymentDecision.REFUND_AMOUNT_MISMATCH);
        assertThat(PaymentDecision.REFUND_AMOUNT_MISMATCH.refundReason()).isEqualTo("amount-mismatch");
        // Other cases decide as before, whatever the amount.
        assertThat(PaymentDecision.of(true, BookingStatus.CANCELLED, false, null, PAYMENT, false))
                .isEqualTo(PaymentDecision.REFUND_CANCELLED);
        assertThat(PaymentDecision.of(true, BookingStatus.CONFIRMED, false, PAYMENT, PAYMENT, false))
                .isEqualTo(PaymentDecision.ALREADY_APPLIED);
        assertThat(PaymentDecision.of(false, BookingStatus.HELD, false, null, PAYMENT, false))
                .isEqualTo(PaymentDecision.CANCEL);
    }

    @Test
    void refundsCarryTheReasonOfTheRefundEvent() {
        assertThat(PaymentDecision.REFUND_EXPIRED.refundReason()).isEqualTo("booking-expired");
        assertThat(PaymentDecision.REFUND_CANCELLED.refundReason()).isEqualTo("booking-cancelled");
        assertThat(PaymentDecision.REFUND_PAID_BY_ANOTHER.refundReason()).isEqualTo("booking-paid-by-another-payment");
        Set<PaymentDecision> others = EnumSet.complementOf(EnumSet.of(PaymentDecision.REFUND_EXPIRED,
                PaymentDecision.REFUND_CANCELLED, PaymentDecision.REFUND_PAID_BY_ANOTHER,
                PaymentDecision.REFUND_AMOUNT_MISMATCH));
        assertThat(others).allSatisfy(decision -> assertThat(decision.refundReason()).isNull());
    }
}
