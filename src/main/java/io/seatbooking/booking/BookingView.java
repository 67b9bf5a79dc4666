package io.seatbooking.booking;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The public representation of a booking: the API's response body and the {@code data} of every
 * booking event, so that clients and event consumers see one shape.
 *
 * @param id the booking id
 * @param showId the show
 * @param customerId the owner (the token subject that held it)
 * @param seats the seat labels
 * @param status the state
 * @param expiresAt when the hold runs out; present only while HELD
 * @param paymentReference the reference given at confirmation, if any
 * @param createdAt when the hold was taken
 * @param updatedAt when the booking last changed
 * @param version the booking version, also its ETag and its events' sequence
 * @param totalCents the price of the seats, frozen when they were held, in minor units
 * @param currency the currency of {@code totalCents} (ISO 4217), the show's
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BookingView(
        UUID id,
        UUID showId,
        String customerId,
        List<String> seats,
        BookingStatus status,
        Instant expiresAt,
        String paymentReference,
        Instant createdAt,
        Instant updatedAt,
        long version,
        long totalCents,
        String currency) {

    public static BookingView of(Booking b) {
        return new BookingView(b.id, b.showId, b.customerId, b.seats, b.status,
                b.status == BookingStatus.HELD ? b.expiresAt : null, b.paymentReference, b.createdAt, b.updatedAt,
                b.version, b.totalCents, b.currency);
    }
}
