package io.seatbooking.booking;

/** A show with how many of its seats are in each state right now. */
public record ShowSummary(Show show, SeatCounts counts) {
}
