package io.seatbooking.booking;

import java.util.List;

/** One page of a booking listing. */
public record BookingPage(List<Booking> items, int page, int size, long totalItems) {
}
