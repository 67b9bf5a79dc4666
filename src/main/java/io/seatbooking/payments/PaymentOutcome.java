package io.seatbooking.payments;

/** What consuming one payment event did. Each is recorded in the inbox (except a duplicate). */
public enum PaymentOutcome {
    /** payment.succeeded confirmed a HELD booking. */
    CONFIRMED("confirmed"),
    /** payment.failed cancelled a HELD booking. */
    CANCELLED("cancelled"),
    /** payment.succeeded for a booking that cannot take it: booking.refund-requested was written. */
    REFUND_REQUESTED("refund-requested"),
    /** The booking already carries this payment (a re-sent event under a new message id). */
    ALREADY_APPLIED("already-applied"),
    /** Nothing to do, e.g. payment.failed for a booking that is no longer HELD. */
    NO_CHANGE("no-change"),
    /** The message id was consumed before: nothing done, nothing recorded. */
    DUPLICATE("duplicate");

    private final String slug;

    PaymentOutcome(String slug) {
        this.slug = slug;
    }

    /** The name in metrics and in the inbox. */
    public String slug() {
        return slug;
    }
}
