package io.seatbooking.booking.service;

/**
 * A conditional update found another version than the one read: some other change won. The
 * operation rolls back and runs again from a fresh read, where its checks decide the answer.
 */
final class StaleBookingException extends RuntimeException {

    StaleBookingException() {
        super("booking changed concurrently", null, false, false);
    }
}
