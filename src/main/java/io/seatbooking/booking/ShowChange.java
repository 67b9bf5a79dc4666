package io.seatbooking.booking;

import java.time.Instant;

/**
 * A change of a show's title and times; a null member is left as it is.
 *
 * @param title a new title, or null
 * @param startsAt a new start, or null
 * @param salesStart a new opening of sales, or null
 * @param salesEnd a new close of sales, or null
 */
public record ShowChange(String title, Instant startsAt, Instant salesStart, Instant salesEnd) {

    /** Whether the change asks for anything at all. */
    public boolean isEmpty() {
        return title == null && startsAt == null && salesStart == null && salesEnd == null;
    }
}
