package io.seatbooking.booking;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.seatbooking.booking.BookingOutcome.InvalidRequest;

/**
 * The rules on lists of seat labels, without any I/O: what a hold may ask for, and the seats a show
 * is created with. Each rule either answers or throws {@link InvalidRequest} explaining itself.
 */
public final class SeatLabels {

    private SeatLabels() {
    }

    /** The labels that occur more than once, in order of their second occurrence. */
    public static List<String> duplicates(List<String> labels) {
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new LinkedHashSet<>();
        for (String label : labels) {
            if (!seen.add(label)) {
                duplicates.add(label);
            }
        }
        return List.copyOf(duplicates);
    }

    /**
     * What a hold may ask for: one to {@code maxSeats} seats, each named once.
     *
     * @throws InvalidRequest for an empty list, more than {@code maxSeats} seats, or repeated seats
     *         (named in {@link InvalidRequest#duplicateSeats()})
     */
    public static void checkHold(List<String> labels, int maxSeats) {
        if (labels.isEmpty()) {
            throw new InvalidRequest("seats must name at least one seat.");
        }
        if (labels.size() > maxSeats) {
            throw new InvalidRequest("A hold may take at most " + maxSeats + " seats.");
        }
        List<String> duplicates = duplicates(labels);
        if (!duplicates.isEmpty()) {
            throw InvalidRequest.duplicateSeats(
                    "Each seat may appear only once: " + String.join(", ", duplicates) + ".", duplicates);
        }
    }

    /** The asked labels that are not among {@code existing}, in asked order. */
    public static List<String> missing(List<String> asked, Collection<String> existing) {
        Set<String> known = new HashSet<>(existing);
        return asked.stream().filter(label -> !known.contains(label)).toList();
    }

    /**
     * The seats of a new show: either {@code seats} as listed, or {@code rows} x {@code seatsPerRow}
     * generated row by row ("A1".."A20", then "B1"...).
     *
     * @throws InvalidRequest when both or neither forms are given, only half of the generated form,
     *         no seat at all, more than {@code maxCapacity} seats, or repeated labels (named in
     *         {@link InvalidRequest#duplicateSeats()})
     */
    public static List<String> forShow(List<String> seats, List<String> rows, Integer seatsPerRow, int maxCapacity) {
        boolean listed = seats != null;
        boolean generated = rows != null || seatsPerRow != null;
        if (listed == generated) {
            throw new InvalidRequest("Give either seats, or rows together with seatsPerRow.");
        }
        if (generated && (rows == null || seatsPerRow == null)) {
            throw new InvalidRequest("rows and seatsPerRow go together.");
        }
        // long: rows x seatsPerRow is checked before anything of that size is built
        long capacity = listed ? seats.size() : (long) rows.size() * seatsPerRow;
        if (capacity == 0) {
            throw new InvalidRequest("A show needs at least one seat.");
        }
        if (capacity > maxCapacity) {
            throw new InvalidRequest("A show may have at most " + maxCapacity + " seats, not " + capacity + ".");
        }
        List<String> labels = listed ? seats : generate(rows, seatsPerRow);
        List<String> duplicates = duplicates(labels);
        if (!duplicates.isEmpty()) {
            throw InvalidRequest.duplicateSeats(
                    "Seat labels must be unique; repeated: " + String.join(", ", duplicates) + ".", duplicates);
        }
        return labels;
    }

    private static List<String> generate(List<String> rows, int seatsPerRow) {
        List<String> labels = new ArrayList<>(rows.size() * seatsPerRow);
        for (String row : rows) {
            for (int n = 1; n <= seatsPerRow; n++) {
                labels.add(row + n);
            }
        }
        return labels;
    }
}
