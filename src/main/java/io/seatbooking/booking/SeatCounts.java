package io.seatbooking.booking;

/** How many of a show's seats are in each state. */
public record SeatCounts(int available, int held, int booked) {
}
