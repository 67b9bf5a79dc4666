package io.seatbooking.booking;

import java.util.List;

/** One page of the show catalogue. */
public record ShowPage(List<Show> items, int page, int size, long totalItems) {
}
