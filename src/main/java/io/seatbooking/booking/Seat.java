package io.seatbooking.booking;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One seat as the seat map shows it.
 *
 * @param label the seat label, such as {@code A1}
 * @param status its state
 * @param version incremented by every change of the seat
 */
@RegisterForReflection
public record Seat(String label, SeatStatus status, long version) {
}
