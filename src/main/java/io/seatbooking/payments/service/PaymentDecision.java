package io.seatbooking.payments.service;

import io.seatbooking.booking.BookingStatus;

/**
 * What a payment event does to the booking it names, decided from one read of the booking (the
 * table in docs/payments.md, "What a payment does"). Pure: the caller applies the decision with
 * If-Match = the version it read, and decides again from a fresh read if the booking moved on.
 */
public enum PaymentDecision {

    /**
     * payment.succeeded, HELD and the hold still runs, amount and currency those the hold froze:
     * confirm with the payment as reference.
     */
    CONFIRM(null),
    /**
     * payment.succeeded, HELD and the hold still runs, but the amount or currency is not the
     * booking's total: the booking stays as it is and the payment goes back.
     */
    REFUND_AMOUNT_MISMATCH("amount-mismatch"),
    /**
     * payment.succeeded, HELD but the hold ran out before the sweeper got to it: expire it as the
     * sweeper would, then decide again (it is then EXPIRED).
     */
    EXPIRE_THEN_DECIDE_AGAIN(null),
    /** payment.succeeded for an EXPIRED booking: ask for a refund. */
    REFUND_EXPIRED("booking-expired"),
    /** payment.succeeded for a CANCELLED booking: ask for a refund. */
    REFUND_CANCELLED("booking-cancelled"),
    /** payment.succeeded for a booking another payment confirmed: the customer paid twice. */
    REFUND_PAID_BY_ANOTHER("booking-paid-by-another-payment"),
    /** payment.succeeded whose payment the booking already carries (re-sent under a new id). */
    ALREADY_APPLIED(null),
    /**
     * payment.succeeded for a booking confirmed without a payment reference (by hand): neither
     * applied nor refunded, since a refund could leave paid seats unpaid; worth a warning.
     */
    KEEP_CONFIRMATION_WITHOUT_PAYMENT(null),
    /** payment.failed, HELD and the hold still runs: cancel. */
    CANCEL(null),
    /** payment.failed in any other case: nothing. */
    NO_CHANGE(null);

    private final String refundReason;

    PaymentDecision(String refundReason) {
        this.refundReason = refundReason;
    }

    /**
     * Decides.
     *
     * @param succeeded payment.succeeded (true) or payment.failed (false)
     * @param status the booking's status as read
     * @param holdRanOut whether the booking is HELD with its hold run out at the time of deciding
     * @param bookingPaymentReference the payment reference the booking carries, or null
     * @param paymentId the event's payment id
     * @param paysTheTotal whether the payment's amount and currency are the booking's total
     */
    public static PaymentDecision of(boolean succeeded, BookingStatus status, boolean holdRanOut,
            String bookingPaymentReference, String paymentId, boolean paysTheTotal) {
        if (!succeeded) {
            return status == BookingStatus.HELD && !holdRanOut ? CANCEL : NO_CHANGE;
        }
        if (paymentId.equals(bookingPaymentReference)) {
            return ALREADY_APPLIED;
        }
        return switch (status) {
            case HELD -> holdRanOut ? EXPIRE_THEN_DECIDE_AGAIN : paysTheTotal ? CONFIRM : REFUND_AMOUNT_MISMATCH;
            case CONFIRMED -> bookingPaymentReference == null ? KEEP_CONFIRMATION_WITHOUT_PAYMENT
                    : REFUND_PAID_BY_ANOTHER;
            case EXPIRED -> REFUND_EXPIRED;
            case CANCELLED -> REFUND_CANCELLED;
        };
    }

    /** The {@code reason} of the {@code booking.refund-requested} event, or null for no refund. */
    public String refundReason() {
        return refundReason;
    }
}
