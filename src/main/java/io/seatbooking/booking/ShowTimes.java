package io.seatbooking.booking;

import java.time.Instant;

import io.seatbooking.booking.BookingOutcome.InvalidRequest;

/** The rules a show's times follow, at creation and at every change. */
public final class ShowTimes {

    private ShowTimes() {
    }

    /**
     * @param salesStart when holds open, or null
     * @param salesEnd when holds close, or null
     * @throws InvalidRequest naming the field: a start not after {@code now}, or a sales window
     *         that is empty or reaches past the start
     */
    public static void check(Instant startsAt, Instant salesStart, Instant salesEnd, Instant now) {
        if (!startsAt.isAfter(now)) {
            throw InvalidRequest.field("startsAt", "must be in the future");
        }
        if (salesStart != null && !salesStart.isBefore(startsAt)) {
            throw InvalidRequest.field("salesStart", "must be before startsAt");
        }
        if (salesEnd != null && salesEnd.isAfter(startsAt)) {
            throw InvalidRequest.field("salesEnd", "must not be after startsAt");
        }
        if (salesStart != null && salesEnd != null && !salesStart.isBefore(salesEnd)) {
            throw InvalidRequest.field("salesEnd", "must be after salesStart");
        }
    }
}
