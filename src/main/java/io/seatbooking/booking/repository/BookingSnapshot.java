package io.seatbooking.booking.repository;

import java.util.List;

import io.seatbooking.booking.Booking;

/**
 * A booking as read before a change, with the versions of the seats it currently owns: the
 * expected values for the conditional updates of that change.
 *
 * @param booking the booking
 * @param ownedSeats labels of the seats that point at this booking
 * @param ownedSeatVersions their versions, in the same order
 */
public record BookingSnapshot(Booking booking, List<String> ownedSeats, List<Long> ownedSeatVersions) {
}
