package io.seatbooking.booking;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.seatbooking.booking.BookingOutcome.InvalidRequest;

/**
 * Which price category, and so which price, each seat of a new show has. A show created without
 * categories has one, {@value #DEFAULT_CATEGORY}, at 0 (docs/api.md, "Prices"). A seat named by a
 * category's {@code seats} takes that category; otherwise the category naming its row; otherwise
 * the one category that names neither. Every seat must end up with exactly one.
 */
public final class SeatPrices {

    /** The category of every seat of a show created without categories. */
    public static final String DEFAULT_CATEGORY = "standard";

    private SeatPrices() {
    }

    /**
     * The seats of a new show, AVAILABLE at version 0, each with its category and price.
     *
     * @throws InvalidRequest for repeated category names, a seat or row named by two categories,
     *         more than one category taking the rest, seats the show does not have, or seats left
     *         without a category
     */
    public static List<Seat> assign(List<String> labels, List<PriceCategory> categories) {
        if (categories == null || categories.isEmpty()) {
            return labels.stream().map(label -> new Seat(label, SeatStatus.AVAILABLE, 0, DEFAULT_CATEGORY, 0)).toList();
        }
        Map<String, PriceCategory> bySeat = new HashMap<>();
        Map<String, PriceCategory> byRow = new HashMap<>();
        PriceCategory rest = null;
        Set<String> names = new HashSet<>();
        Set<String> labelSet = new HashSet<>(labels);
        for (PriceCategory category : categories) {
            if (!names.add(category.name())) {
                throw new InvalidRequest("Price category " + category.name() + " is given twice.");
            }
            if (category.takesTheRest()) {
                if (rest != null) {
                    throw new InvalidRequest("Only one price category may name neither seats nor rows.");
                }
                rest = category;
            }
            for (String seat : category.seats()) {
                if (!labelSet.contains(seat)) {
                    throw InvalidRequest.unknownSeats("Price category " + category.name() + " names seat " + seat
                            + ", which the show does not have.", List.of(seat));
                }
                if (bySeat.putIfAbsent(seat, category) != null) {
                    throw new InvalidRequest("Seat " + seat + " is in two price categories.");
                }
            }
            for (String row : category.rows()) {
                if (byRow.putIfAbsent(row, category) != null) {
                    throw new InvalidRequest("Row " + row + " is in two price categories.");
                }
            }
        }
        List<Seat> seats = new ArrayList<>(labels.size());
        Set<String> unpriced = new LinkedHashSet<>();
        for (String label : labels) {
            PriceCategory category = bySeat.get(label);
            if (category == null) {
                category = byRow.get(rowOf(label));
            }
            if (category == null) {
                category = rest;
            }
            if (category == null) {
                unpriced.add(label);
            } else {
                seats.add(new Seat(label, SeatStatus.AVAILABLE, 0, category.name(), category.priceCents()));
            }
        }
        if (!unpriced.isEmpty()) {
            throw new InvalidRequest("Seats without a price category: " + String.join(", ", unpriced) + ".");
        }
        return seats;
    }

    /** The row of a label: the label without its trailing digits ({@code AA12} is in row {@code AA}). */
    static String rowOf(String label) {
        int end = label.length();
        while (end > 0 && Character.isDigit(label.charAt(end - 1))) {
            end--;
        }
        return label.substring(0, end);
    }
}
