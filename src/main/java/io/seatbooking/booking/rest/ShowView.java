package io.seatbooking.booking.rest;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.seatbooking.booking.Show;
import io.seatbooking.booking.ShowStatus;
import io.seatbooking.booking.ShowSummary;

/**
 * A show as the API returns it. The seat counts are present on a single show, not in the
 * catalogue; the sales window and {@code cancelledAt} only when set.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShowView(UUID id, String title, Instant startsAt, ShowStatus status, Instant salesStart,
        Instant salesEnd, String currency, int capacity, Integer available, Integer held, Integer booked,
        Instant createdAt, Instant updatedAt, Instant cancelledAt, long version) {

    static ShowView of(ShowSummary summary, Instant now) {
        Show s = summary.show();
        return new ShowView(s.id(), s.title(), s.startsAt(), s.status(now), s.salesStart(), s.salesEnd(),
                s.currency(), s.capacity(), summary.counts().available(), summary.counts().held(),
                summary.counts().booked(), s.createdAt(), s.updatedAt(), s.cancelledAt(), s.version());
    }

    static ShowView inCatalogue(Show s, Instant now) {
        return new ShowView(s.id(), s.title(), s.startsAt(), s.status(now), s.salesStart(), s.salesEnd(),
                s.currency(), s.capacity(), null, null, null, s.createdAt(), s.updatedAt(), s.cancelledAt(),
                s.version());
    }

    /** The show's strong entity tag: its version. */
    static String etag(Show show) {
        return "\"" + show.version() + "\"";
    }
}
