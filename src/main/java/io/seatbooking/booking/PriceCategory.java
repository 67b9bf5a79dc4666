package io.seatbooking.booking;

import java.util.List;

/**
 * A price category of a show as asked for at creation: its seats are those it names, those of
 * the rows it names, or, when it names neither, every seat no other category takes.
 *
 * @param name the category name, such as {@code stalls}
 * @param priceCents the price of each of its seats, in minor units of the show's currency
 * @param seats seat labels, or empty
 * @param rows row names (a seat is in row {@code A} when its label is {@code A} followed by digits), or empty
 */
public record PriceCategory(String name, long priceCents, List<String> seats, List<String> rows) {

    public PriceCategory {
        seats = seats == null ? List.of() : List.copyOf(seats);
        rows = rows == null ? List.of() : List.copyOf(rows);
    }

    /** Whether the category takes every seat that no other names. */
    public boolean takesTheRest() {
        return seats.isEmpty() && rows.isEmpty();
    }
}
