package io.seatbooking.booking;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Checks on lists of seat labels. */
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
}
