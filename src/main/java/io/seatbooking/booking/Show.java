package io.seatbooking.booking;

import java.time.Instant;
import java.util.UUID;

/**
 * A show with a fixed seat map. Its title and times may change (each change moves its version
 * on); once cancelled it changes no more.
 *
 * @param id the show id
 * @param title the title
 * @param startsAt when the show starts
 * @param capacity the number of seats
 * @param createdAt when the show was created
 * @param salesStart when holds open, or null: from creation
 * @param salesEnd when holds close, or null: at the start
 * @param currency the ISO 4217 code every price of the show is in
 * @param cancelledAt when the show was cancelled, or null
 * @param version 1 at creation, one more for each change (also the sequence of its events)
 * @param updatedAt when the show last changed
 */
public record Show(UUID id, String title, Instant startsAt, int capacity, Instant createdAt, Instant salesStart,
        Instant salesEnd, String currency, Instant cancelledAt, long version, Instant updatedAt) {

    /** Where the show stands at {@code now} (see {@link ShowStatus}). */
    public ShowStatus status(Instant now) {
        if (cancelledAt != null) {
            return ShowStatus.CANCELLED;
        }
        if (!now.isBefore(startsAt) || (salesEnd != null && !now.isBefore(salesEnd))) {
            return ShowStatus.OVER;
        }
        if (salesStart != null && now.isBefore(salesStart)) {
            return ShowStatus.SCHEDULED;
        }
        return ShowStatus.ON_SALE;
    }

    /** This show with other title and times, at {@code newVersion}. */
    public Show changed(String newTitle, Instant newStartsAt, Instant newSalesStart, Instant newSalesEnd,
            long newVersion, Instant at) {
        return new Show(id, newTitle, newStartsAt, capacity, createdAt, newSalesStart, newSalesEnd, currency,
                cancelledAt, newVersion, at);
    }

    /** This show cancelled at {@code at}, at {@code newVersion}. */
    public Show cancelled(long newVersion, Instant at) {
        return new Show(id, title, startsAt, capacity, createdAt, salesStart, salesEnd, currency, at, newVersion, at);
    }
}
