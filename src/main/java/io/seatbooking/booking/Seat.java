package io.seatbooking.booking;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One seat as the seat map shows it.
 *
 * @param label the seat label, such as {@code A1}
 * @param status its state
 * @param version incremented by every change of the seat
 * @param category its price category
 * @param priceCents its price in minor units of the show's currency
 */
@RegisterForReflection
public record Seat(String label, SeatStatus status, long version, String category, long priceCents) {
}
