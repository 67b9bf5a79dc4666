package io.seatbooking.booking.repository;

import java.util.List;

import io.seatbooking.booking.Seat;
import io.seatbooking.booking.Show;

/**
 * A show and some of its seats, read together.
 *
 * @param show the show
 * @param seats the seats that were asked for and exist, in no particular order
 */
public record ShowWithSeats(Show show, List<Seat> seats) {
}
