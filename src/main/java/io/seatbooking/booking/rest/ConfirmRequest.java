package io.seatbooking.booking.rest;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Optional body of {@code POST /api/bookings/{id}/confirm}. */
@RegisterForReflection
public record ConfirmRequest(
        @Size(max = 200) @Pattern(regexp = CreateShowRequest.PRINTABLE, message = "must not contain control characters")
        String paymentReference) {
}
