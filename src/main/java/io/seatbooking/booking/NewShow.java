package io.seatbooking.booking;

import java.time.Instant;
import java.util.List;

/**
 * What a new show is made of, as asked for: the seats either listed or generated from rows and
 * seats per row; an optional sales window; one currency; optional price categories.
 */
public record NewShow(String title, Instant startsAt, List<String> seats, List<String> rows, Integer seatsPerRow,
        Instant salesStart, Instant salesEnd, String currency, List<PriceCategory> priceCategories) {

    /** The currency of a show created without one. */
    public static final String DEFAULT_CURRENCY = "EUR";
}
