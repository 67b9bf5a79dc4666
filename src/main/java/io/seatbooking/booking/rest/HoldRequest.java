package io.seatbooking.booking.rest;

import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /api/bookings}: the seats to hold, all or none. */
public record HoldRequest(
        @NotNull UUID showId,
        @NotNull @Size(max = 1000) List<@NotNull @Pattern(regexp = CreateShowRequest.SEAT_LABEL,
                message = "must be 1-16 letters, digits, '-' or '_'") String> seats) {
}
